package dev.keepsake.runner.command;

import dev.keepsake.api.Bytes;
import dev.keepsake.api.Durations;
import dev.keepsake.api.RestoreSessionStatus;
import dev.keepsake.restic.ResticRepository;
import dev.keepsake.runner.Log;
import dev.keepsake.runner.RunFailure;
import dev.keepsake.runner.files.RestoredFiles;
import dev.keepsake.runner.files.ScratchFiles;
import dev.keepsake.runner.inventory.Inventory;
import dev.keepsake.runner.restic.Restic;
import dev.keepsake.runner.restic.Snapshot;
import dev.keepsake.runner.stream.FileRestore;
import dev.keepsake.runner.stream.ProgressMeter;
import dev.keepsake.runner.stream.StreamingBackup;
import dev.keepsake.runner.stream.StreamingRestore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "restore",
    sortOptions = false,
    description = {
      "Restore a snapshot: stream its dump into a restore command given after --, or write its files",
      "under --target. 'latest' means the newest snapshot of this host and tags, never another target's."
    })
final class RestoreCommand implements Callable<Integer> {
  @Mixin RepositoryOptions repository;
  @Mixin TargetOptions target;
  @Mixin ReportOptions report;

  @Option(
      names = "--snapshot",
      defaultValue = "${env:KEEPSAKE_SNAPSHOT:-latest}",
      description = "latest or a snapshot id.")
  String snapshot;

  @Option(
      names = "--stdin-filename",
      defaultValue = "${env:KEEPSAKE_STDIN_FILENAME}",
      description =
          "Stream mode: the file inside the snapshot (default: the snapshot's only path).")
  String stdinFilename;

  @Option(names = "--target", description = "File mode: the folder to restore into.")
  String targetPath;

  @Option(
      names = "--include",
      description = "File mode: restore only paths matching this pattern (repeatable).")
  List<String> include = new ArrayList<>();

  @Option(
      names = "--exclude",
      description = "File mode: leave out paths matching this pattern (repeatable).")
  List<String> exclude = new ArrayList<>();

  @Option(
      names = "--timeout",
      defaultValue = "${env:KEEPSAKE_TIMEOUT:-24h}",
      description = "Longest the restore may run.")
  String timeout;

  @Parameters(description = "The restore command and its arguments (stream mode), after --.")
  List<String> restoreCommand = new ArrayList<>();

  @Override
  public Integer call() {
    RunReport run =
        report.runReport(
            "restore",
            "keepsake-restore",
            "restore",
            report.session != null ? report.session : target.host,
            "restoresessions");
    try (ProgressMeter meter =
        new ProgressMeter("restore", report.progressInterval(), run::progress)) {
      // Each restic call opens the repository again (a key derivation, about half a second): the
      // snapshot lookup also tells whether the repository is there. It takes no lock (restic 0.16
      // waits 200 ms after taking one); the restore itself does, and locks are looked at only when
      // one is in the way.
      Restic restic = repository.openAsIs(System.getenv());
      Log.useRedactor(restic.redactor());
      Snapshot chosen = choose(restic);
      Log.info(
          "restoring snapshot %s (%s, host %s) from %s",
          chosen.shortId(),
          chosen.time(),
          chosen.hostname(),
          restic.repository().displayLocation());
      RestoreSessionStatus results = new RestoreSessionStatus();
      results.snapshotId(chosen.id().substring(0, Math.min(64, chosen.id().length())));
      String message;
      if (restoreCommand.isEmpty()) {
        message = restoreFiles(restic, chosen, results);
      } else {
        Path report = ScratchFiles.unique(repository.scratch, "inventory-", ".json");
        long bytes = restoreStream(restic, chosen, meter, report);
        meter.settle(bytes);
        results.bytesRestored(bytes);
        run.metrics()
            .gauge(
                "keepsake_restore_bytes",
                "Bytes streamed into the target by the last restore",
                bytes);
        message =
            "restored "
                + Bytes.human(bytes)
                + " of snapshot "
                + chosen.shortId()
                + " into "
                + programName(restoreCommand)
                + Inventory.read(report)
                    .map(restored -> ": " + checked(chosen, restored, results))
                    .orElse("");
      }
      meter.close();
      return run.succeeded(message, results);
    } catch (RuntimeException failure) {
      return run.failed(failure);
    }
  }

  /**
   * Set by the operator when the repository is another namespace's: only these hosts' snapshots may
   * be read.
   */
  static final String ALLOWED_HOST_PREFIX = "KEEPSAKE_ALLOWED_HOST_PREFIX";

  private Snapshot choose(Restic restic) {
    Snapshot chosen = chooseAny(restic);
    String allowed = System.getenv(ALLOWED_HOST_PREFIX);
    if (allowed != null && !chosen.hostname().startsWith(allowed)) {
      throw new RunFailure(
          "SnapshotNotAllowed",
          "snapshot "
              + chosen.shortId()
              + " is of "
              + chosen.hostname()
              + ", not of a target"
              + " of this namespace: from a Repository shared with it, a namespace restores only snapshots of hosts "
              + allowed
              + "...; nothing was restored");
    }
    return chosen;
  }

  private Snapshot chooseAny(Restic restic) {
    if ("latest".equals(snapshot)) {
      return restic
          .latest(target.host, target.tags())
          .orElseThrow(
              () ->
                  new RunFailure(
                      "SnapshotNotFound",
                      "no snapshot of host "
                          + target.host
                          + (target.tags().isEmpty() ? "" : " with tags " + target.tags())
                          + " in "
                          + restic.repository().displayLocation()
                          + "; nothing was restored"
                          + otherHosts(restic)));
    }
    return restic.snapshots(null, List.of()).stream()
        .filter(s -> s.id().startsWith(snapshot))
        .findFirst()
        .orElseThrow(
            () ->
                new RunFailure(
                    "SnapshotNotFound",
                    "no snapshot "
                        + snapshot
                        + " in "
                        + restic.repository().displayLocation()
                        + "; nothing was restored"));
  }

  /**
   * Where the snapshots of another target, namespace or cluster are: the hosts the repository
   * holds.
   */
  private static String otherHosts(Restic restic) {
    try {
      String allowed = System.getenv(ALLOWED_HOST_PREFIX);
      List<String> hosts =
          restic.snapshots(null, List.of()).stream()
              .map(Snapshot::hostname)
              .filter(host -> allowed == null || host.startsWith(allowed))
              .distinct()
              .sorted()
              .toList();
      return hosts.isEmpty()
          ? " (the repository holds no snapshots)"
          : ". To restore another target's snapshots, name its host in spec.source.host; this repository holds snapshots of "
              + String.join(", ", hosts);
    } catch (RuntimeException e) {
      return "";
    }
  }

  /**
   * What the restore command counted, against the counts the backup put in the snapshot's tags. A
   * full restore that delivered fewer than the backup counted has failed, whatever its exit code.
   */
  private static String checked(Snapshot chosen, Inventory restored, RestoreSessionStatus results) {
    results.inventory(new TreeMap<>(restored.counts()));
    Map<String, Long> backedUp = Inventory.fromTags(chosen.tags());
    String check = restored.summary();
    if (restored.partial() == null && !backedUp.isEmpty()) {
      String mismatch = Inventory.mismatch(backedUp, restored.counts());
      if (mismatch != null) {
        throw new RunFailure(
            "IncompleteRestore",
            "the restore finished, but its counts differ from the backup's ("
                + mismatch
                + "): the target does not hold all of snapshot "
                + chosen.shortId());
      }
      check += "; matches the backup's counts";
    } else if (restored.partial() != null) {
      check += " (a partial restore: " + restored.partial() + ")";
    }
    results.inventoryCheck(check);
    return check;
  }

  private long restoreStream(Restic restic, Snapshot chosen, ProgressMeter meter, Path report) {
    String file =
        stdinFilename != null && !stdinFilename.isBlank()
            ? stdinFilename
            : chosen.paths().isEmpty() ? "dump" : chosen.paths().get(0);
    // The size is for the progress percentage only. Snapshots since restic 0.17 carry it; for older
    // ones it is looked up while the data already flows.
    CompletableFuture<OptionalLong> size =
        chosen.bytesProcessed() >= 0
            ? CompletableFuture.completedFuture(OptionalLong.of(chosen.bytesProcessed()))
            : CompletableFuture.supplyAsync(() -> restic.restoreSize(chosen.id()));
    size.thenAccept(known -> known.ifPresent(meter::total));
    Map<String, String> environment = new HashMap<>(System.getenv());
    ResticRepository.SECRET_KEYS.forEach(environment::remove);
    environment.put(Inventory.FILE_ENV, report.toString());
    long received =
        StreamingRestore.run(
            restic,
            new StreamingRestore.Request(
                chosen,
                file,
                restoreCommand,
                environment,
                Durations.parse(timeout),
                repository.scratch,
                report),
            meter);
    try {
      return size.get(SIZE_PATIENCE.toMillis(), TimeUnit.MILLISECONDS).orElse(received);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return received;
    } catch (ExecutionException | TimeoutException unknown) {
      return received;
    }
  }

  private static final Duration SIZE_PATIENCE = Duration.ofSeconds(30);

  private String restoreFiles(Restic restic, Snapshot chosen, RestoreSessionStatus results) {
    if (targetPath == null || targetPath.isBlank()) {
      throw new IllegalArgumentException(
          "nothing to restore into: give a restore command after -- or --target");
    }
    FileRestore.Counts counts =
        FileRestore.run(
            restic,
            new FileRestore.Request(
                chosen, targetPath, include, exclude, Durations.parse(timeout)));
    if (!include.isEmpty() && counts != null && counts.nothingSelected()) {
      throw new RunFailure(
          "NothingMatched",
          "the include patterns "
              + include
              + " match no file of snapshot "
              + chosen.shortId()
              + ", so nothing was restored into "
              + targetPath
              + " (restic matches them against the paths inside the snapshot: the built-in"
              + " volume Tasks keep a claim's files under /target, for example /target/photos)");
    }
    String restored =
        "restored snapshot "
            + chosen.shortId()
            + (include.isEmpty() ? "" : " (only " + include + ")")
            + " into "
            + targetPath;
    if (!include.isEmpty() || !exclude.isEmpty()) {
      return restored;
    }
    RestoredFiles.Check check =
        RestoredFiles.check(restic, chosen.id(), Path.of(targetPath), Durations.parse(timeout));
    if (check.missing() > 0) {
      throw new RunFailure(
          "IncompleteRestore",
          String.format(
              Locale.ROOT,
              "restic restore finished, but %,d of the snapshot's"
                  + " %,d files are not in %s with their size (%s%s); %,d are",
              check.missing(),
              check.missing() + check.files(),
              targetPath,
              String.join(", ", check.firstMissing()),
              check.missing() > check.firstMissing().size() ? ", ..." : "",
              check.files()));
    }
    Inventory counted =
        new Inventory(
            Map.of("files", check.files()),
            String.format(
                Locale.ROOT,
                "%,d files (%s) in place with their sizes",
                check.files(),
                Bytes.human(check.bytes())),
            null);
    return restored + ": " + checked(chosen, counted, results);
  }

  /**
   * The program that receives the data: after the last "--" when the command wraps another (sh -c
   * ..., or a wrapper's -- program).
   */
  static String programName(List<String> command) {
    int wrapped = command.lastIndexOf("--");
    return wrapped >= 0 && wrapped + 1 < command.size()
        ? command.get(wrapped + 1)
        : StreamingBackup.commandName(command);
  }
}
