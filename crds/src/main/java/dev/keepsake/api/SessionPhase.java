package dev.keepsake.api;

/** Where a backup or restore session stands. */
public enum SessionPhase {
  Pending,
  Running,
  Succeeded,
  Failed,
  /** Not run: the configuration was paused or another session of it was running. */
  Skipped,
  /** The operator cannot tell; a condition says why. */
  Unknown;

  public boolean isFinished() {
    return this == Succeeded || this == Failed || this == Skipped;
  }
}
