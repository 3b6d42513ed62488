package dev.keepsake.api;

import io.kubernetes.client.openapi.models.V1Condition;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * What backup and restore sessions share in their status: the lifecycle (phase, reason, message,
 * conditions, times), the Job that does the work, the snapshot and the progress while it runs.
 */
public abstract class SessionStatus<SELF extends SessionStatus<SELF>> {
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
  private Progress progress;
  private java.util.Map<String, Long> inventory;
  private String inventoryCheck;
  private List<HookStatus> hooks;
  private SessionOutcome hookOutcome;

  @SuppressWarnings("unchecked")
  private SELF self() {
    return (SELF) this;
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public SELF observedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
    return self();
  }

  public SessionPhase getPhase() {
    return phase;
  }

  public SELF phase(SessionPhase phase) {
    this.phase = phase;
    return self();
  }

  public String getReason() {
    return reason;
  }

  public SELF reason(String reason) {
    this.reason = reason;
    return self();
  }

  public String getMessage() {
    return message;
  }

  public SELF message(String message) {
    this.message = message;
    return self();
  }

  public List<V1Condition> getConditions() {
    return conditions;
  }

  public SELF conditions(List<V1Condition> conditions) {
    this.conditions = conditions;
    return self();
  }

  public String getJobName() {
    return jobName;
  }

  public SELF jobName(String jobName) {
    this.jobName = jobName;
    return self();
  }

  public OffsetDateTime getStartTime() {
    return startTime;
  }

  public SELF startTime(OffsetDateTime startTime) {
    this.startTime = startTime;
    return self();
  }

  public OffsetDateTime getCompletionTime() {
    return completionTime;
  }

  public SELF completionTime(OffsetDateTime completionTime) {
    this.completionTime = completionTime;
    return self();
  }

  public String getDuration() {
    return duration;
  }

  public SELF duration(String duration) {
    this.duration = duration;
    return self();
  }

  public String getSnapshotId() {
    return snapshotId;
  }

  public SELF snapshotId(String snapshotId) {
    this.snapshotId = snapshotId;
    return self();
  }

  public Progress getProgress() {
    return progress;
  }

  public SELF progress(Progress progress) {
    this.progress = progress;
    return self();
  }

  public java.util.Map<String, Long> getInventory() {
    return inventory;
  }

  public SELF inventory(java.util.Map<String, Long> inventory) {
    this.inventory = inventory;
    return self();
  }

  public String getInventoryCheck() {
    return inventoryCheck;
  }

  public SELF inventoryCheck(String inventoryCheck) {
    this.inventoryCheck = inventoryCheck;
    return self();
  }

  public List<HookStatus> getHooks() {
    return hooks;
  }

  public SELF hooks(List<HookStatus> hooks) {
    this.hooks = hooks;
    return self();
  }

  public SessionOutcome getHookOutcome() {
    return hookOutcome;
  }

  public SELF hookOutcome(SessionOutcome hookOutcome) {
    this.hookOutcome = hookOutcome;
    return self();
  }
}
