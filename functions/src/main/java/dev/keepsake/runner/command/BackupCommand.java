package dev.keepsake.runner.command;

import dev.keepsake.api.BackupSessionStatus;
import dev.keepsake.api.Bytes;
import dev.keepsake.api.Durations;
import dev.keepsake.restic.ResticRepository;
import dev.keepsake.runner.Log;
import dev.keepsake.runner.RunFailure;
import dev.keepsake.runner.files.ExcludePatterns;
import dev.keepsake.runner.files.FileCensus;
import dev.keepsake.runner.files.ScratchFiles;
import dev.keepsake.runner.inventory.Inventory;
import dev.keepsake.runner.restic.BackupSummary;
import dev.keepsake.runner.restic.Restic;
import dev.keepsake.runner.restic.ResticException;
import dev.keepsake.runner.restic.Snapshot;
import dev.keepsake.runner.stream.FileBackup;
import dev.keepsake.runner.stream.ProgressMeter;
import dev.keepsake.runner.stream.StreamingBackup;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "backup",
    sortOptions = false,
    description = {
      "Back up into the repository: the output of a dump command given after --, streamed with no file in",
      "between, or the files under --path. A failed dump never becomes a snapshot."
    })
final class BackupCommand implements Callable<Integer> {
  @Mixin RepositoryOptions repository;
  @Mixin TargetOptions target;
  @Mixin ReportOptions report;

  @Option(
      names = "--stdin-filename",
      defaultValue = "${env:KEEPSAKE_STDIN_FILENAME:-dump}",
      description = "Name of the streamed dump inside the snapshot.")
  String stdinFilename;

  @Option(names = "--path", description = "File mode: a path to back up (repeatable).")
  List<String> paths = new ArrayList<>();

  @Option(
      names = "--include",
      description = "File mode: back up only files matching this glob (repeatable).")
  List<String> include = new ArrayList<>();

  @Option(
      names = "--exclude",
      description = "File mode: leave out files matching this restic pattern (repeatable).")
  List<String> exclude = new ArrayList<>();

  @Option(
      names = "--timeout",
      defaultValue = "${env:KEEPSAKE_TIMEOUT:-24h}",
      description = "Longest the backup may run, e.g. 30m.")
  String timeout;

  @Option(
      names = "--error-line",
      description = {
        "Stream mode: a regular expression for stderr lines of the dump that mean",
        "it failed even when it exits 0 (repeatable). For tools that print errors and go on."
      })
  List<String> errorLines = new ArrayList<>();

  @Parameters(description = "The dump command and its arguments (stream mode), after --.")
  List<String> dumpCommand = new ArrayList<>();

  private Restic restic;

  @Override
  public Integer call() {
    RunReport run =
        report.runReport(
            "backup",
            "keepsake-backup",
            "configuration",
            report.configuration != null ? report.configuration : target.host,
            "backupsessions");
    try (ProgressMeter meter =
        new ProgressMeter("backup", report.progressInterval(), run::progress)) {
      Path inventoryFile = ScratchFiles.unique(repository.scratch, "inventory-", ".json");
      BackupSummary summary =
          dumpCommand.isEmpty()
              ? backUpFiles(meter, inventoryFile)
              : backUpStream(meter, inventoryFile);
      meter.settle(summary.bytesProcessed());
      meter.close();
      Optional<Inventory> inventory = Inventory.read(inventoryFile);
      if (inventory.isPresent()) {
        summary =
            summary.withSnapshotId(restic.addTags(summary.snapshotId(), inventory.get().tags()));
      }
      BackupSessionStatus results = results(summary, run);
      inventory.ifPresent(
          counted ->
              results.inventory(new TreeMap<>(counted.counts())).inventoryCheck(counted.summary()));
      return run.succeeded(
          describe(summary) + inventory.map(counted -> ": " + counted.summary()).orElse(""),
          results);
    } catch (RuntimeException failure) {
      return run.failed(failure);
    }
  }

  /**
   * Streams without a separate look at the repository first: every restic call opens the repository
   * again (key derivation alone costs about half a second of CPU). Only when restic cannot open it
   * is the cause repaired (initialize, stale locks) and the stream started once more.
   */
  private BackupSummary backUpStream(ProgressMeter meter, Path inventoryFile) {
    Map<String, String> dumpEnvironment = new HashMap<>(System.getenv());
    // The dump needs the application's credentials, not the repository's.
    ResticRepository.SECRET_KEYS.forEach(dumpEnvironment::remove);
    dumpEnvironment.put(Inventory.FILE_ENV, inventoryFile.toString());
    restic = opened(Restic.open(repository.repository(), System.getenv(), repository.scratch));
    StreamingBackup.Request request =
        new StreamingBackup.Request(
            dumpCommand,
            dumpEnvironment,
            stdinFilename,
            target.host,
            target.tags(),
            Durations.parse(timeout),
            repository.scratch,
            errorPatterns(),
            inventoryFile);
    try {
      return StreamingBackup.run(restic, request, meter);
    } catch (StreamingBackup.RepositoryNotOpened notOpened) {
      if (!restic.repair(notOpened.failure(), repository.initialize())) {
        throw new ResticException(notOpened.failure());
      }
      return StreamingBackup.run(restic, request, meter);
    }
  }

  private BackupSummary backUpFiles(ProgressMeter meter, Path inventoryFile) {
    if (paths.isEmpty()) {
      throw new IllegalArgumentException(
          "nothing to back up: give a dump command after -- or at least one --path");
    }
    restic = opened(repository.open(System.getenv()));
    // With include patterns the runner itself lists the files, so there is nothing independent to
    // count.
    ExcludePatterns excludes = include.isEmpty() ? ExcludePatterns.of(exclude) : null;
    FileCensus.Count before = excludes == null ? null : FileCensus.of(paths, excludes);
    BackupSummary summary =
        FileBackup.run(
            restic,
            new FileBackup.Request(
                paths,
                include,
                exclude,
                target.host,
                target.tags(),
                Durations.parse(timeout),
                repository.scratch),
            meter);
    FileCensus.Count after = excludes == null ? null : FileCensus.of(paths, excludes);
    String comparison = FileCensus.compare(before, after, summary.files());
    if (comparison.startsWith(FileCensus.MISSING)) {
      throw new RunFailure(
          "IncompleteSnapshot",
          "snapshot "
              + Snapshot.shortId(summary.snapshotId())
              + " is incomplete: "
              + comparison
              + "; it is kept, but do not rely on it");
    }
    new Inventory(
            Map.of("files", summary.files()),
            String.format(Locale.ROOT, "%,d files; %s", summary.files(), comparison),
            null)
        .write(inventoryFile);
    return summary;
  }

  private List<Pattern> errorPatterns() {
    List<Pattern> patterns = new ArrayList<>();
    for (String line : errorLines) {
      try {
        patterns.add(Pattern.compile(line));
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(
            "--error-line '" + line + "' is not a regular expression: " + e.getDescription());
      }
    }
    return patterns;
  }

  private static Restic opened(Restic restic) {
    Log.useRedactor(restic.redactor());
    return restic;
  }

  private String describe(BackupSummary summary) {
    return "snapshot "
        + summary.snapshotId()
        + " of "
        + Bytes.human(summary.bytesProcessed())
        + " ("
        + Bytes.human(summary.bytesAdded())
        + " new) in "
        + repository.repository().displayLocation();
  }

  private BackupSessionStatus results(BackupSummary summary, RunReport run) {
    BackupSessionStatus results =
        new BackupSessionStatus()
            .host(target.host)
            .bytesProcessed(summary.bytesProcessed())
            .bytesAdded(summary.bytesAdded())
            .size(Bytes.human(summary.bytesProcessed()))
            .filesNew(summary.filesNew())
            .filesChanged(summary.filesChanged())
            .filesUnmodified(summary.filesUnmodified());
    results.snapshotId(summary.snapshotId());
    run.metrics()
        .gauge(
            "keepsake_backup_bytes_processed",
            "Bytes read by the last backup",
            summary.bytesProcessed())
        .gauge(
            "keepsake_backup_bytes_added",
            "Bytes the last backup added to the repository",
            summary.bytesAdded());
    return results;
  }
}
