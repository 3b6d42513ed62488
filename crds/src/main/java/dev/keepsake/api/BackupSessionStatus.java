package dev.keepsake.api;

import io.kubernetes.client.openapi.models.V1Condition;
import java.time.OffsetDateTime;
import java.util.List;

/** Outcome and progress of one backup run. */
public class BackupSessionStatus {
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
  private String host;
  private Long bytesProcessed;
  private Long bytesAdded;
  private String size;
  private Long filesNew;
  private Long filesChanged;
  private Long filesUnmodified;
  private Progress progress;
  private RetentionResult retention;

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public BackupSessionStatus observedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
    return this;
  }

  public SessionPhase getPhase() {
    return phase;
  }

  public BackupSessionStatus phase(SessionPhase phase) {
    this.phase = phase;
    return this;
  }

  public String getReason() {
    return reason;
  }

  public BackupSessionStatus reason(String reason) {
    this.reason = reason;
    return this;
  }

  public String getMessage() {
    return message;
  }

  public BackupSessionStatus message(String message) {
    this.message = message;
    return this;
  }

  public List<V1Condition> getConditions() {
    return conditions;
  }

  public BackupSessionStatus conditions(List<V1Condition> conditions) {
    this.conditions = conditions;
    return this;
  }

  public String getJobName() {
    return jobName;
  }

  public BackupSessionStatus jobName(String jobName) {
    this.jobName = jobName;
    return this;
  }

  public OffsetDateTime getStartTime() {
    return startTime;
  }

  public BackupSessionStatus startTime(OffsetDateTime startTime) {
    this.startTime = startTime;
    return this;
  }

  public OffsetDateTime getCompletionTime() {
    return completionTime;
  }

  public BackupSessionStatus completionTime(OffsetDateTime completionTime) {
    this.completionTime = completionTime;
    return this;
  }

  public String getDuration() {
    return duration;
  }

  public BackupSessionStatus duration(String duration) {
    this.duration = duration;
    return this;
  }

  public String getSnapshotId() {
    return snapshotId;
  }

  public BackupSessionStatus snapshotId(String snapshotId) {
    this.snapshotId = snapshotId;
    return this;
  }

  public String getHost() {
    return host;
  }

  public BackupSessionStatus host(String host) {
    this.host = host;
    return this;
  }

  public Long getBytesProcessed() {
    return bytesProcessed;
  }

  public BackupSessionStatus bytesProcessed(Long bytesProcessed) {
    this.bytesProcessed = bytesProcessed;
    return this;
  }

  public Long getBytesAdded() {
    return bytesAdded;
  }

  public BackupSessionStatus bytesAdded(Long bytesAdded) {
    this.bytesAdded = bytesAdded;
    return this;
  }

  public String getSize() {
    return size;
  }

  public BackupSessionStatus size(String size) {
    this.size = size;
    return this;
  }

  public Long getFilesNew() {
    return filesNew;
  }

  public BackupSessionStatus filesNew(Long filesNew) {
    this.filesNew = filesNew;
    return this;
  }

  public Long getFilesChanged() {
    return filesChanged;
  }

  public BackupSessionStatus filesChanged(Long filesChanged) {
    this.filesChanged = filesChanged;
    return this;
  }

  public Long getFilesUnmodified() {
    return filesUnmodified;
  }

  public BackupSessionStatus filesUnmodified(Long filesUnmodified) {
    this.filesUnmodified = filesUnmodified;
    return this;
  }

  public Progress getProgress() {
    return progress;
  }

  public BackupSessionStatus progress(Progress progress) {
    this.progress = progress;
    return this;
  }

  public RetentionResult getRetention() {
    return retention;
  }

  public BackupSessionStatus retention(RetentionResult retention) {
    this.retention = retention;
    return this;
  }
}
