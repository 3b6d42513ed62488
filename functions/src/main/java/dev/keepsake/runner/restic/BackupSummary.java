package dev.keepsake.runner.restic;

import com.google.gson.JsonObject;

/** restic's closing line of a backup (message_type "summary"). */
public record BackupSummary(
    String snapshotId,
    long bytesProcessed,
    long bytesAdded,
    long filesNew,
    long filesChanged,
    long filesUnmodified,
    double seconds) {

  /** Every file the snapshot holds: new, changed and unmodified since the last one. */
  public long files() {
    return filesNew + filesChanged + filesUnmodified;
  }

  public BackupSummary withSnapshotId(String id) {
    return new BackupSummary(
        id, bytesProcessed, bytesAdded, filesNew, filesChanged, filesUnmodified, seconds);
  }

  /**
   * restic 0.14 gives the short id, 0.17 the whole one; sessions show the short one, as restic's
   * listings and the Repository's status do.
   */
  static BackupSummary from(JsonObject summary) {
    String id = summary.has("snapshot_id") ? summary.get("snapshot_id").getAsString() : null;
    return new BackupSummary(
        id == null ? null : Snapshot.shortId(id),
        number(summary, "total_bytes_processed"),
        number(summary, "data_added"),
        number(summary, "files_new"),
        number(summary, "files_changed"),
        number(summary, "files_unmodified"),
        summary.has("total_duration") ? summary.get("total_duration").getAsDouble() : 0);
  }

  private static long number(JsonObject object, String key) {
    return object.has(key) ? object.get(key).getAsLong() : 0;
  }
}
