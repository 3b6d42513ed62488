package dev.keepsake.runner.command;

import com.google.gson.JsonObject;
import dev.keepsake.restic.ResticRepository;
import dev.keepsake.runner.Bytes;
import dev.keepsake.runner.Durations;
import dev.keepsake.runner.Log;
import dev.keepsake.runner.report.Metrics;
import dev.keepsake.runner.report.SessionStatus;
import dev.keepsake.runner.restic.BackupSummary;
import dev.keepsake.runner.restic.Restic;
import dev.keepsake.runner.stream.FileBackup;
import dev.keepsake.runner.stream.ProgressMeter;
import dev.keepsake.runner.stream.StreamingBackup;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "backup", sortOptions = false,
    description = {"Back up into the repository: the output of a dump command given after --, streamed with no file in",
        "between, or the files under --path. A failed dump never becomes a snapshot."})
final class BackupCommand implements Callable<Integer> {
  @Mixin RepositoryOptions repository;
  @Mixin TargetOptions target;
  @Mixin ReportOptions report;

  @Option(names = "--stdin-filename", defaultValue = "${env:KEEPSAKE_STDIN_FILENAME:-dump}",
      description = "Name of the streamed dump inside the snapshot.")
  String stdinFilename;

  @Option(names = "--path", description = "File mode: a path to back up (repeatable).")
  List<String> paths = new ArrayList<>();

  @Option(names = "--include", description = "File mode: back up only files matching this glob (repeatable).")
  List<String> include = new ArrayList<>();

  @Option(names = "--exclude", description = "File mode: leave out files matching this restic pattern (repeatable).")
  List<String> exclude = new ArrayList<>();

  @Option(names = "--timeout", defaultValue = "${env:KEEPSAKE_TIMEOUT:-24h}", description = "Longest the backup may run, e.g. 30m.")
  String timeout;

  @Parameters(description = "The dump command and its arguments (stream mode), after --.")
  List<String> dumpCommand = new ArrayList<>();

  @Override
  public Integer call() {
    String namespace = report.namespace();
    Map<String, String> grouping = new LinkedHashMap<>();
    grouping.put("namespace", namespace);
    grouping.put("configuration", report.configuration != null ? report.configuration : target.host);
    RunReport run = new RunReport("backup", new Metrics(report.pushgateway, "keepsake-backup", grouping),
        SessionStatus.forSession(namespace, "backupsessions", report.session), report.terminationLog());
    try (ProgressMeter meter = new ProgressMeter("backup", report.progressInterval(), run::progress)) {
      Restic restic = repository.open(System.getenv());
      Log.useRedactor(restic.redactor());
      BackupSummary summary = dumpCommand.isEmpty() ? backUpFiles(restic, meter) : backUpStream(restic, meter);
      meter.close();
      return run.succeeded(describe(summary, restic), results(summary, restic, run));
    } catch (RuntimeException failure) {
      return run.failed(failure);
    }
  }

  private BackupSummary backUpStream(Restic restic, ProgressMeter meter) {
    Map<String, String> dumpEnvironment = new HashMap<>(System.getenv());
    // The dump needs the application's credentials, not the repository's.
    ResticRepository.SECRET_KEYS.forEach(dumpEnvironment::remove);
    return StreamingBackup.run(restic, new StreamingBackup.Request(dumpCommand, dumpEnvironment, stdinFilename,
        target.host, target.tags(), Durations.parse(timeout)), meter);
  }

  private BackupSummary backUpFiles(Restic restic, ProgressMeter meter) {
    if (paths.isEmpty()) {
      throw new IllegalArgumentException("nothing to back up: give a dump command after -- or at least one --path");
    }
    return FileBackup.run(restic, new FileBackup.Request(paths, include, exclude, target.host, target.tags(),
        Durations.parse(timeout), repository.scratch), meter);
  }

  private static String describe(BackupSummary summary, Restic restic) {
    return "snapshot " + summary.snapshotId() + " of " + Bytes.human(summary.bytesProcessed()) + " ("
        + Bytes.human(summary.bytesAdded()) + " new) in " + restic.repository().displayLocation();
  }

  private JsonObject results(BackupSummary summary, Restic restic, RunReport run) {
    JsonObject results = new JsonObject();
    results.addProperty("snapshotId", summary.snapshotId());
    results.addProperty("host", target.host);
    results.addProperty("bytesProcessed", summary.bytesProcessed());
    results.addProperty("bytesAdded", summary.bytesAdded());
    results.addProperty("size", Bytes.human(summary.bytesProcessed()));
    results.addProperty("filesNew", summary.filesNew());
    results.addProperty("filesChanged", summary.filesChanged());
    results.addProperty("filesUnmodified", summary.filesUnmodified());
    run.metrics()
        .gauge("keepsake_backup_bytes_processed", "Bytes read by the last backup", summary.bytesProcessed())
        .gauge("keepsake_backup_bytes_added", "Bytes the last backup added to the repository", summary.bytesAdded())
        .gauge("keepsake_backup_snapshots", "Snapshots of this target in the repository",
            restic.snapshots(target.host, target.tags()).size());
    return results;
  }
}
