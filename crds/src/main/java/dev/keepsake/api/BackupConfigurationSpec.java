package dev.keepsake.api;

/** What to back up, where, how often and how long to keep it. */
public class BackupConfigurationSpec {
  private String schedule;
  private String timeZone;
  private Boolean paused;
  private NamespacedRef repository;
  private Target target;
  private TaskRef task;
  private RetentionPolicy retentionPolicy;
  private BackupHooks hooks;
  private RuntimeSettings runtimeSettings;
  private Integer backupHistoryLimit;
  private String timeout;

  public String getSchedule() {
    return schedule;
  }

  public BackupConfigurationSpec schedule(String schedule) {
    this.schedule = schedule;
    return this;
  }

  public String getTimeZone() {
    return timeZone;
  }

  public BackupConfigurationSpec timeZone(String timeZone) {
    this.timeZone = timeZone;
    return this;
  }

  public Boolean getPaused() {
    return paused;
  }

  public BackupConfigurationSpec paused(Boolean paused) {
    this.paused = paused;
    return this;
  }

  public NamespacedRef getRepository() {
    return repository;
  }

  public BackupConfigurationSpec repository(NamespacedRef repository) {
    this.repository = repository;
    return this;
  }

  public Target getTarget() {
    return target;
  }

  public BackupConfigurationSpec target(Target target) {
    this.target = target;
    return this;
  }

  public TaskRef getTask() {
    return task;
  }

  public BackupConfigurationSpec task(TaskRef task) {
    this.task = task;
    return this;
  }

  public RetentionPolicy getRetentionPolicy() {
    return retentionPolicy;
  }

  public BackupConfigurationSpec retentionPolicy(RetentionPolicy retentionPolicy) {
    this.retentionPolicy = retentionPolicy;
    return this;
  }

  public BackupHooks getHooks() {
    return hooks;
  }

  public BackupConfigurationSpec hooks(BackupHooks hooks) {
    this.hooks = hooks;
    return this;
  }

  public RuntimeSettings getRuntimeSettings() {
    return runtimeSettings;
  }

  public BackupConfigurationSpec runtimeSettings(RuntimeSettings runtimeSettings) {
    this.runtimeSettings = runtimeSettings;
    return this;
  }

  public Integer getBackupHistoryLimit() {
    return backupHistoryLimit;
  }

  public BackupConfigurationSpec backupHistoryLimit(Integer backupHistoryLimit) {
    this.backupHistoryLimit = backupHistoryLimit;
    return this;
  }

  public String getTimeout() {
    return timeout;
  }

  public BackupConfigurationSpec timeout(String timeout) {
    this.timeout = timeout;
    return this;
  }
}
