package dev.keepsake.runner.command;

import com.google.gson.JsonObject;
import dev.keepsake.restic.ResticRepository;
import dev.keepsake.api.Bytes;
import dev.keepsake.api.Durations;
import dev.keepsake.runner.Log;
import dev.keepsake.runner.RunFailure;
import dev.keepsake.runner.restic.Restic;
import dev.keepsake.runner.restic.Snapshot;
import dev.keepsake.runner.stream.FileRestore;
import dev.keepsake.runner.stream.ProgressMeter;
import dev.keepsake.runner.stream.StreamingRestore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "restore", sortOptions = false,
    description = {"Restore a snapshot: stream its dump into a restore command given after --, or write its files",
        "under --target. 'latest' means the newest snapshot of this host and tags, never another target's."})
final class RestoreCommand implements Callable<Integer> {
  @Mixin RepositoryOptions repository;
  @Mixin TargetOptions target;
  @Mixin ReportOptions report;

  @Option(names = "--snapshot", defaultValue = "${env:KEEPSAKE_SNAPSHOT:-latest}", description = "latest or a snapshot id.")
  String snapshot;

  @Option(names = "--stdin-filename", defaultValue = "${env:KEEPSAKE_STDIN_FILENAME}",
      description = "Stream mode: the file inside the snapshot (default: the snapshot's only path).")
  String stdinFilename;

  @Option(names = "--target", description = "File mode: the folder to restore into.")
  String targetPath;

  @Option(names = "--include", description = "File mode: restore only paths matching this pattern (repeatable).")
  List<String> include = new ArrayList<>();

  @Option(names = "--exclude", description = "File mode: leave out paths matching this pattern (repeatable).")
  List<String> exclude = new ArrayList<>();

  @Option(names = "--timeout", defaultValue = "${env:KEEPSAKE_TIMEOUT:-24h}", description = "Longest the restore may run.")
  String timeout;

  @Parameters(description = "The restore command and its arguments (stream mode), after --.")
  List<String> restoreCommand = new ArrayList<>();

  @Override
  public Integer call() {
    RunReport run = report.runReport("restore", "keepsake-restore", "restore",
        report.session != null ? report.session : target.host, "restoresessions");
    try (ProgressMeter meter = new ProgressMeter("restore", report.progressInterval(), run::progress)) {
      Restic restic = repository.open(System.getenv());
      Log.useRedactor(restic.redactor());
      Snapshot chosen = choose(restic);
      Log.info("restoring snapshot %s (%s, host %s) from %s", chosen.shortId(), chosen.time(), chosen.hostname(),
          restic.repository().displayLocation());
      JsonObject results = new JsonObject();
      results.addProperty("snapshotId", chosen.id().substring(0, Math.min(64, chosen.id().length())));
      String message;
      if (restoreCommand.isEmpty()) {
        message = restoreFiles(restic, chosen);
      } else {
        long bytes = restoreStream(restic, chosen, meter);
        meter.settle(bytes);
        results.addProperty("bytesRestored", bytes);
        run.metrics().gauge("keepsake_restore_bytes", "Bytes streamed into the target by the last restore", bytes);
        message = "restored " + Bytes.human(bytes) + " of snapshot " + chosen.shortId() + " into " + programName(restoreCommand);
      }
      meter.close();
      return run.succeeded(message, results);
    } catch (RuntimeException failure) {
      return run.failed(failure);
    }
  }

  private Snapshot choose(Restic restic) {
    if ("latest".equals(snapshot)) {
      return restic.latest(target.host, target.tags())
          .orElseThrow(() -> new RunFailure("SnapshotNotFound", "no snapshot of host " + target.host
              + (target.tags().isEmpty() ? "" : " with tags " + target.tags()) + " in " + restic.repository().displayLocation()
              + "; nothing was restored"));
    }
    return restic.snapshots(null, List.of()).stream()
        .filter(s -> s.id().startsWith(snapshot))
        .findFirst()
        .orElseThrow(() -> new RunFailure("SnapshotNotFound", "no snapshot " + snapshot + " in "
            + restic.repository().displayLocation() + "; nothing was restored"));
  }

  private long restoreStream(Restic restic, Snapshot chosen, ProgressMeter meter) {
    String file = stdinFilename != null && !stdinFilename.isBlank() ? stdinFilename
        : chosen.paths().isEmpty() ? "dump" : chosen.paths().get(0);
    OptionalLong size = restic.restoreSize(chosen.id());
    size.ifPresent(meter::total);
    Map<String, String> environment = new HashMap<>(System.getenv());
    ResticRepository.SECRET_KEYS.forEach(environment::remove);
    long received = StreamingRestore.run(restic, new StreamingRestore.Request(chosen, file, restoreCommand, environment,
        Durations.parse(timeout), repository.scratch), meter);
    // The restore command's read count also holds what it read besides its stdin; the snapshot's
    // own size is exact when restic could tell it.
    return size.orElse(received);
  }

  private String restoreFiles(Restic restic, Snapshot chosen) {
    if (targetPath == null || targetPath.isBlank()) {
      throw new IllegalArgumentException("nothing to restore into: give a restore command after -- or --target");
    }
    FileRestore.run(restic, new FileRestore.Request(chosen, targetPath, include, exclude, Durations.parse(timeout)));
    return "restored snapshot " + chosen.shortId() + (include.isEmpty() ? "" : " (only " + include + ")") + " into " + targetPath;
  }

  /** The program that receives the data: after the last "--" when the command wraps another (keepsake redis-filter -- redis-cli). */
  static String programName(List<String> command) {
    int wrapped = command.lastIndexOf("--");
    return wrapped >= 0 && wrapped + 1 < command.size() ? command.get(wrapped + 1) : command.get(0);
  }
}
