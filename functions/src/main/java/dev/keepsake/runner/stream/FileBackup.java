package dev.keepsake.runner.stream;

import dev.keepsake.runner.RunFailure;
import dev.keepsake.runner.process.ExternalProgram;
import dev.keepsake.runner.restic.BackupOutput;
import dev.keepsake.runner.restic.BackupSummary;
import dev.keepsake.runner.restic.Restic;
import dev.keepsake.runner.restic.ResticFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** restic backup of paths on a mounted volume, with include and exclude patterns. */
public final class FileBackup {
  private FileBackup() {}

  /**
   * @param include glob patterns (matched against absolute paths); when set, only matching files
   *     are backed up. restic 0.14 has no include option for backup, so the runner lists the files.
   */
  public record Request(
      List<String> paths,
      List<String> include,
      List<String> exclude,
      String host,
      List<String> tags,
      Duration timeout,
      Path scratch) {}

  public static BackupSummary run(Restic restic, Request request, ProgressMeter meter) {
    List<String> args = new ArrayList<>(List.of("backup", "--json", "--host", request.host()));
    request.tags().forEach(tag -> args.addAll(List.of("--tag", tag)));
    request.exclude().forEach(pattern -> args.addAll(List.of("--exclude", pattern)));
    if (request.include().isEmpty()) {
      args.addAll(request.paths());
    } else {
      args.addAll(List.of("--files-from-verbatim", includedFiles(request).toString()));
    }
    BackupOutput output = BackupOutput.ofFiles(meter);
    ExternalProgram backup =
        ExternalProgram.start(
            "restic backup", restic.command(args), restic.environment(), output::read, null);
    backup.closeStdin();
    meter.start();
    if (backup.awaitExit(request.timeout()).isEmpty()) {
      backup.interrupt();
      throw new RunFailure(
          "DeadlineExceeded",
          "the backup ran out of time (" + request.timeout() + "); no snapshot was written");
    }
    int exit = backup.exit().join();
    // restic exits 3 when some files could not be read; the snapshot exists but is incomplete.
    if (exit == 3) {
      throw new RunFailure(
          "IncompleteSnapshot",
          "restic could not read some files; the snapshot "
              + output.summary().map(BackupSummary::snapshotId).orElse("?")
              + " is incomplete: "
              + ResticFailure.of(
                      "restic backup", 3, restic.redactor().redact(backup.stderrTail()), "")
                  .message());
    }
    if (exit != 0) {
      ResticFailure failure =
          ResticFailure.of(
              "restic backup",
              exit,
              restic.redactor().redact(backup.stderrTail()),
              restic.repository().displayLocation());
      throw new RunFailure(failure.reason().name(), "restic backup failed: " + failure.message());
    }
    return output
        .summary()
        .orElseThrow(() -> new RunFailure("ResticFailed", "restic backup printed no summary"));
  }

  private static Path includedFiles(Request request) {
    List<PathMatcher> matchers =
        request.include().stream()
            .map(glob -> FileSystems.getDefault().getPathMatcher("glob:" + glob))
            .toList();
    try {
      Files.createDirectories(request.scratch());
      Path list = Files.createTempFile(request.scratch(), "include-", ".txt");
      List<String> files = new ArrayList<>();
      for (String root : request.paths()) {
        try (Stream<Path> walk = Files.walk(Path.of(root))) {
          walk.filter(Files::isRegularFile)
              .filter(file -> matchers.stream().anyMatch(m -> m.matches(file)))
              .forEach(file -> files.add(file.toString()));
        }
      }
      if (files.isEmpty()) {
        throw new RunFailure(
            "NothingToBackUp",
            "no file under "
                + request.paths()
                + " matches the include patterns "
                + request.include());
      }
      Files.write(list, files);
      return list;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the files to back up", e);
    }
  }
}
