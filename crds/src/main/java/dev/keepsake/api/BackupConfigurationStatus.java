package dev.keepsake.api;

import io.kubernetes.client.openapi.models.V1Condition;
import java.time.OffsetDateTime;
import java.util.List;

/** What the operator knows of a BackupConfiguration. */
public class BackupConfigurationStatus {
  private Long observedGeneration;
  private List<V1Condition> conditions;
  private String scheduleDescription;
  private OffsetDateTime nextBackupTime;
  private OffsetDateTime lastBackupTime;
  private OffsetDateTime lastSuccessfulBackupTime;
  private String lastBackupSession;
  private String cronJobName;

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public BackupConfigurationStatus observedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
    return this;
  }

  public List<V1Condition> getConditions() {
    return conditions;
  }

  public BackupConfigurationStatus conditions(List<V1Condition> conditions) {
    this.conditions = conditions;
    return this;
  }

  public String getScheduleDescription() {
    return scheduleDescription;
  }

  public BackupConfigurationStatus scheduleDescription(String scheduleDescription) {
    this.scheduleDescription = scheduleDescription;
    return this;
  }

  public OffsetDateTime getNextBackupTime() {
    return nextBackupTime;
  }

  public BackupConfigurationStatus nextBackupTime(OffsetDateTime nextBackupTime) {
    this.nextBackupTime = nextBackupTime;
    return this;
  }

  public OffsetDateTime getLastBackupTime() {
    return lastBackupTime;
  }

  public BackupConfigurationStatus lastBackupTime(OffsetDateTime lastBackupTime) {
    this.lastBackupTime = lastBackupTime;
    return this;
  }

  public OffsetDateTime getLastSuccessfulBackupTime() {
    return lastSuccessfulBackupTime;
  }

  public BackupConfigurationStatus lastSuccessfulBackupTime(
      OffsetDateTime lastSuccessfulBackupTime) {
    this.lastSuccessfulBackupTime = lastSuccessfulBackupTime;
    return this;
  }

  public String getLastBackupSession() {
    return lastBackupSession;
  }

  public BackupConfigurationStatus lastBackupSession(String lastBackupSession) {
    this.lastBackupSession = lastBackupSession;
    return this;
  }

  public String getCronJobName() {
    return cronJobName;
  }

  public BackupConfigurationStatus cronJobName(String cronJobName) {
    this.cronJobName = cronJobName;
    return this;
  }
}
