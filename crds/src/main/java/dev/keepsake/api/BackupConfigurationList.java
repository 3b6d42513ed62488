package dev.keepsake.api;

/** A list of {@link BackupConfiguration} objects. */
public class BackupConfigurationList extends ResourceList<BackupConfiguration> {
  public BackupConfigurationList() {
    super("BackupConfigurationList");
  }
}
