package dev.keepsake.operator.status;

import dev.keepsake.api.BackupSession;
import dev.keepsake.api.Bytes;
import dev.keepsake.api.SnapshotEntry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The snapshots a Repository's status lists: per target (restic host), the list its newest finished
 * session reported after its retention step; for a target without such a session, what the status
 * listed before. Sizes come from the session that made a snapshot, or from the earlier listing.
 */
public final class SnapshotListing {
  static final int MOST = 100;

  private SnapshotListing() {}

  /**
   * @param sessions backup sessions of every configuration that uses the repository, in any order
   */
  public static List<SnapshotEntry> of(List<SnapshotEntry> previous, List<BackupSession> sessions) {
    List<BackupSession> newestFirst =
        sessions.stream()
            .filter(
                s ->
                    s.getStatus() != null
                        && s.getStatus().getCompletionTime() != null
                        && s.getStatus().getHost() != null)
            .filter(
                s ->
                    s.getStatus().getRepository() != null
                        && s.getStatus().getRepository().getSnapshots() != null)
            .sorted(
                Comparator.comparing((BackupSession s) -> s.getStatus().getCompletionTime())
                    .reversed())
            .toList();
    Map<String, List<SnapshotEntry>> byHost = new LinkedHashMap<>();
    for (BackupSession session : newestFirst) {
      byHost.putIfAbsent(
          session.getStatus().getHost(), session.getStatus().getRepository().getSnapshots());
    }
    for (SnapshotEntry entry : previous == null ? List.<SnapshotEntry>of() : previous) {
      if (entry.getHost() != null && !byHost.containsKey(entry.getHost())) {
        byHost
            .computeIfAbsent(entry.getHost() + "\u0000previous", h -> new ArrayList<>())
            .add(entry);
      }
    }
    List<SnapshotEntry> listed = new ArrayList<>();
    byHost
        .values()
        .forEach(entries -> entries.forEach(entry -> listed.add(sized(entry, previous, sessions))));
    listed.sort(
        Comparator.comparing((SnapshotEntry e) -> e.getTime() == null ? "" : e.getTime())
            .reversed());
    return listed.size() > MOST ? new ArrayList<>(listed.subList(0, MOST)) : listed;
  }

  private static SnapshotEntry sized(
      SnapshotEntry entry, List<SnapshotEntry> previous, List<BackupSession> sessions) {
    SnapshotEntry copy =
        new SnapshotEntry()
            .id(entry.getId())
            .time(entry.getTime())
            .host(entry.getHost())
            .tags(entry.getTags())
            .size(entry.getSize())
            .sizeBytes(entry.getSizeBytes())
            .session(entry.getSession());
    for (BackupSession session : sessions) {
      String made = session.getStatus() == null ? null : session.getStatus().getSnapshotId();
      if (made != null
          && entry.getId() != null
          && (made.startsWith(entry.getId()) || entry.getId().startsWith(made))) {
        Long bytes = session.getStatus().getBytesProcessed();
        copy.session(session.getMetadata().getNamespace() + "/" + session.getMetadata().getName());
        if (bytes != null) {
          copy.sizeBytes(bytes).size(Bytes.human(bytes));
        }
        return copy;
      }
    }
    for (SnapshotEntry earlier : previous == null ? List.<SnapshotEntry>of() : previous) {
      if (entry.getId() != null
          && entry.getId().equals(earlier.getId())
          && copy.getSizeBytes() == null) {
        copy.sizeBytes(earlier.getSizeBytes())
            .size(earlier.getSize())
            .session(earlier.getSession());
      }
    }
    return copy;
  }
}
