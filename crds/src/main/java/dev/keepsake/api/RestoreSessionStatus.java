package dev.keepsake.api;

import io.kubernetes.client.openapi.models.V1Condition;
import java.time.OffsetDateTime;
import java.util.List;

/** Outcome and progress of one restore. */
public class RestoreSessionStatus {
  private Long observedGeneration;
  private SessionPhase phase;
  private String reason;
  private String message;
  private List<V1Condition> conditions;
  private String jobName;
  private OffsetDateTime startTime;
  private OffsetDateTime completionTime;
  private String duration;
  private String snapshotId;
  private Long bytesRestored;
  private Long filesRestored;
  private Progress progress;

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public RestoreSessionStatus observedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
    return this;
  }

  public SessionPhase getPhase() {
    return phase;
  }

  public RestoreSessionStatus phase(SessionPhase phase) {
    this.phase = phase;
    return this;
  }

  public String getReason() {
    return reason;
  }

  public RestoreSessionStatus reason(String reason) {
    this.reason = reason;
    return this;
  }

  public String getMessage() {
    return message;
  }

  public RestoreSessionStatus message(String message) {
    this.message = message;
    return this;
  }

  public List<V1Condition> getConditions() {
    return conditions;
  }

  public RestoreSessionStatus conditions(List<V1Condition> conditions) {
    this.conditions = conditions;
    return this;
  }

  public String getJobName() {
    return jobName;
  }

  public RestoreSessionStatus jobName(String jobName) {
    this.jobName = jobName;
    return this;
  }

  public OffsetDateTime getStartTime() {
    return startTime;
  }

  public RestoreSessionStatus startTime(OffsetDateTime startTime) {
    this.startTime = startTime;
    return this;
  }

  public OffsetDateTime getCompletionTime() {
    return completionTime;
  }

  public RestoreSessionStatus completionTime(OffsetDateTime completionTime) {
    this.completionTime = completionTime;
    return this;
  }

  public String getDuration() {
    return duration;
  }

  public RestoreSessionStatus duration(String duration) {
    this.duration = duration;
    return this;
  }

  public String getSnapshotId() {
    return snapshotId;
  }

  public RestoreSessionStatus snapshotId(String snapshotId) {
    this.snapshotId = snapshotId;
    return this;
  }

  public Long getBytesRestored() {
    return bytesRestored;
  }

  public RestoreSessionStatus bytesRestored(Long bytesRestored) {
    this.bytesRestored = bytesRestored;
    return this;
  }

  public Long getFilesRestored() {
    return filesRestored;
  }

  public RestoreSessionStatus filesRestored(Long filesRestored) {
    this.filesRestored = filesRestored;
    return this;
  }

  public Progress getProgress() {
    return progress;
  }

  public RestoreSessionStatus progress(Progress progress) {
    this.progress = progress;
    return this;
  }
}
