package dev.keepsake.api;

import io.kubernetes.client.openapi.models.V1Condition;
import java.time.OffsetDateTime;
import java.util.List;

/** What the operator knows of a Repository. */
public class RepositoryStatus {
  private Long observedGeneration;
  private List<V1Condition> conditions;
  private String backend;
  private Boolean initialized;
  private Integer snapshotCount;
  private String totalSize;
  private Long totalSizeBytes;
  private OffsetDateTime lastBackupTime;
  private String lastBackupSession;
  private OffsetDateTime lastCheckTime;
  private String lastCheckResult;
  private String lastCheckMessage;
  private List<SnapshotEntry> snapshots;
  private RepositoryOperation lastOperation;

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public RepositoryStatus observedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
    return this;
  }

  public List<V1Condition> getConditions() {
    return conditions;
  }

  public RepositoryStatus conditions(List<V1Condition> conditions) {
    this.conditions = conditions;
    return this;
  }

  public String getBackend() {
    return backend;
  }

  public RepositoryStatus backend(String backend) {
    this.backend = backend;
    return this;
  }

  public Boolean getInitialized() {
    return initialized;
  }

  public RepositoryStatus initialized(Boolean initialized) {
    this.initialized = initialized;
    return this;
  }

  public Integer getSnapshotCount() {
    return snapshotCount;
  }

  public RepositoryStatus snapshotCount(Integer snapshotCount) {
    this.snapshotCount = snapshotCount;
    return this;
  }

  public String getTotalSize() {
    return totalSize;
  }

  public RepositoryStatus totalSize(String totalSize) {
    this.totalSize = totalSize;
    return this;
  }

  public Long getTotalSizeBytes() {
    return totalSizeBytes;
  }

  public RepositoryStatus totalSizeBytes(Long totalSizeBytes) {
    this.totalSizeBytes = totalSizeBytes;
    return this;
  }

  public OffsetDateTime getLastBackupTime() {
    return lastBackupTime;
  }

  public RepositoryStatus lastBackupTime(OffsetDateTime lastBackupTime) {
    this.lastBackupTime = lastBackupTime;
    return this;
  }

  public String getLastBackupSession() {
    return lastBackupSession;
  }

  public RepositoryStatus lastBackupSession(String lastBackupSession) {
    this.lastBackupSession = lastBackupSession;
    return this;
  }

  public OffsetDateTime getLastCheckTime() {
    return lastCheckTime;
  }

  public RepositoryStatus lastCheckTime(OffsetDateTime lastCheckTime) {
    this.lastCheckTime = lastCheckTime;
    return this;
  }

  public String getLastCheckResult() {
    return lastCheckResult;
  }

  public RepositoryStatus lastCheckResult(String lastCheckResult) {
    this.lastCheckResult = lastCheckResult;
    return this;
  }

  public String getLastCheckMessage() {
    return lastCheckMessage;
  }

  public RepositoryStatus lastCheckMessage(String lastCheckMessage) {
    this.lastCheckMessage = lastCheckMessage;
    return this;
  }

  public List<SnapshotEntry> getSnapshots() {
    return snapshots;
  }

  public RepositoryStatus snapshots(List<SnapshotEntry> snapshots) {
    this.snapshots = snapshots;
    return this;
  }

  public RepositoryOperation getLastOperation() {
    return lastOperation;
  }

  public RepositoryStatus lastOperation(RepositoryOperation lastOperation) {
    this.lastOperation = lastOperation;
    return this;
  }
}
