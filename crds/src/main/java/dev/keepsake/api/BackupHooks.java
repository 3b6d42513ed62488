package dev.keepsake.api;

/** Hooks around a backup. */
public class BackupHooks {
  private Hook preBackup;
  private Hook postBackup;

  public Hook getPreBackup() {
    return preBackup;
  }

  public BackupHooks preBackup(Hook preBackup) {
    this.preBackup = preBackup;
    return this;
  }

  public Hook getPostBackup() {
    return postBackup;
  }

  public BackupHooks postBackup(Hook postBackup) {
    this.postBackup = postBackup;
    return this;
  }
}
