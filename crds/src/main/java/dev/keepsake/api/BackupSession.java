package dev.keepsake.api;

/** One run of a BackupConfiguration. */
public class BackupSession extends Resource<BackupSessionSpec, BackupSessionStatus, BackupSession> {
  public static final String KIND = "BackupSession";
  public static final String PLURAL = "backupsessions";

  public BackupSession() {
    super(KIND);
  }
}
