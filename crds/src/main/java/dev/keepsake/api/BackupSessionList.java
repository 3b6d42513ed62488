package dev.keepsake.api;

/** A list of {@link BackupSession} objects. */
public class BackupSessionList extends ResourceList<BackupSession> {
  public BackupSessionList() {
    super("BackupSessionList");
  }
}
