package dev.keepsake.api;

/** A scheduled backup: target, repository, task, schedule and retention. */
public class BackupConfiguration
    extends Resource<BackupConfigurationSpec, BackupConfigurationStatus, BackupConfiguration> {
  public static final String KIND = "BackupConfiguration";
  public static final String PLURAL = "backupconfigurations";

  public BackupConfiguration() {
    super(KIND);
  }
}
