package dev.keepsake.runner.restic;

import java.util.List;

/**
 * A snapshot as `restic snapshots --json` lists it; {@code original} is the id it had before its
 * tags were changed (restic writes a new snapshot then), or null. {@code bytesProcessed} is what
 * the backup read, from the summary restic keeps in snapshots since 0.17; -1 for older snapshots.
 */
public record Snapshot(
    String id,
    String shortId,
    String time,
    String hostname,
    List<String> tags,
    List<String> paths,
    String original,
    long bytesProcessed) {

  /** The first 8 characters, as restic's listings show an id; "?" for none. */
  public static String shortId(String id) {
    return id == null ? "?" : id.substring(0, Math.min(8, id.length()));
  }
}
