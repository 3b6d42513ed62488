package dev.keepsake.runner.command;

import dev.keepsake.api.BackupSessionStatus;
import dev.keepsake.api.Bytes;
import dev.keepsake.api.RepositoryUsage;
import dev.keepsake.api.SnapshotEntry;
import dev.keepsake.runner.Log;
import dev.keepsake.runner.report.Metrics;
import dev.keepsake.runner.restic.Restic;
import dev.keepsake.runner.restic.Snapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The whole repository's snapshot count and stored size, added to a backup's results (the operator
 * copies it into the Repository's status) and pushed as the repository's own metrics. Best effort:
 * a backup that worked is not failed because its repository could not be measured afterwards.
 */
final class RepositoryUsageReport {
  private RepositoryUsageReport() {}

  /** How many of the target's newest snapshots are listed for the Repository's status. */
  static final int LISTED_SNAPSHOTS = 10;

  static void add(
      BackupSessionStatus results,
      RepositoryOptions repository,
      ReportOptions report,
      String host) {
    try {
      Restic restic = repository.open(System.getenv());
      Log.useRedactor(restic.redactor());
      add(results, restic, repository.name, report, host);
    } catch (RuntimeException failure) {
      Log.warn("could not measure the repository: %s", failure.getMessage());
    }
  }

  static void add(
      BackupSessionStatus results,
      Restic restic,
      String repositoryName,
      ReportOptions report,
      String host) {
    // Two restic calls, each opening the repository: side by side rather than one after the other.
    CompletableFuture<List<Snapshot>> listing =
        CompletableFuture.supplyAsync(() -> restic.snapshots(host, List.of()));
    Restic.RepositoryStats stats;
    try {
      stats = restic.repositoryStats();
    } catch (RuntimeException failure) {
      Log.warn("could not measure the repository: %s", failure.getMessage());
      listing.handle((done, failed) -> null).join();
      return;
    }
    Log.info(
        "the repository holds %d snapshots in %s",
        stats.snapshots(), Bytes.human(stats.storedBytes()));
    RepositoryUsage usage =
        new RepositoryUsage()
            .snapshotCount((int) stats.snapshots())
            .totalSizeBytes(stats.storedBytes());
    try {
      usage.snapshots(newest(listing.join()));
    } catch (CompletionException failure) {
      Log.warn("could not list the snapshots of %s: %s", host, failure.getCause().getMessage());
    }
    results.repository(usage);
    Map<String, String> grouping = new LinkedHashMap<>();
    grouping.put("namespace", report.namespace());
    grouping.put("repository", repositoryName);
    new Metrics(report.pushgateway, "keepsake-repository", grouping)
        .gauge(
            "keepsake_repository_snapshots",
            "Snapshots in the whole repository, every target's",
            stats.snapshots())
        .gauge(
            "keepsake_repository_size_bytes",
            "Bytes the repository stores after deduplication and compression",
            stats.storedBytes())
        .push();
  }

  /** The target's newest snapshots, newest first: what the Repository's status shows of them. */
  static List<SnapshotEntry> newest(List<Snapshot> snapshots) {
    List<SnapshotEntry> listed = new ArrayList<>();
    for (int i = snapshots.size() - 1; i >= 0 && listed.size() < LISTED_SNAPSHOTS; i--) {
      Snapshot snapshot = snapshots.get(i);
      listed.add(
          new SnapshotEntry()
              .id(snapshot.shortId())
              .time(snapshot.time())
              .host(snapshot.hostname())
              .tags(new ArrayList<>(snapshot.tags())));
    }
    return listed;
  }
}
