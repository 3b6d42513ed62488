package dev.keepsake.api;

import java.util.List;

/** Hooks around a backup, each list run in order. */
public class BackupHooks {
  private List<Hook> preBackup;
  private List<Hook> postBackup;

  public List<Hook> getPreBackup() {
    return preBackup;
  }

  public BackupHooks preBackup(List<Hook> preBackup) {
    this.preBackup = preBackup;
    return this;
  }

  public List<Hook> getPostBackup() {
    return postBackup;
  }

  public BackupHooks postBackup(List<Hook> postBackup) {
    this.postBackup = postBackup;
    return this;
  }
}
