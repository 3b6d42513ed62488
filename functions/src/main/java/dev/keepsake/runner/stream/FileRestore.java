package dev.keepsake.runner.stream;

import dev.keepsake.runner.Log;
import dev.keepsake.runner.RunFailure;
import dev.keepsake.runner.process.ExternalProgram;
import dev.keepsake.runner.restic.Restic;
import dev.keepsake.runner.restic.ResticFailure;
import dev.keepsake.runner.restic.Snapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** restic restore of a snapshot's files into a target folder, whole or in part. */
public final class FileRestore {
  private FileRestore() {}

  public record Request(
      Snapshot snapshot,
      String targetPath,
      List<String> include,
      List<String> exclude,
      Duration timeout) {}

  /**
   * restic takes its lock before it writes a file: one refused by a stale lock is started again
   * once the lock is removed.
   */
  public static void run(Restic restic, Request request) {
    Instant deadline = Instant.now().plus(request.timeout());
    ResticFailure failure = attempt(restic, request, deadline);
    if (failure != null
        && failure.reason() == ResticFailure.Reason.RepositoryLocked
        && restic.repair(failure, false)) {
      Log.info("restic restore met a stale lock, now removed: started again");
      failure = attempt(restic, request, deadline);
    }
    if (failure != null) {
      throw new RunFailure(
          failure.reason().name(),
          "restic restore failed; "
              + (failure.reason() == ResticFailure.Reason.RepositoryLocked
                  ? request.targetPath() + " is untouched: "
                  : request.targetPath() + " may hold part of the snapshot: ")
              + failure.message());
    }
  }

  /** Runs restic restore once: null when it succeeded, else why it failed. */
  private static ResticFailure attempt(Restic restic, Request request, Instant deadline) {
    List<String> args =
        new ArrayList<>(
            List.of("restore", request.snapshot().id(), "--target", request.targetPath()));
    request.include().forEach(pattern -> args.addAll(List.of("--include", pattern)));
    request.exclude().forEach(pattern -> args.addAll(List.of("--exclude", pattern)));
    ExternalProgram restore =
        ExternalProgram.start(
            "restic restore", restic.command(args), restic.environment(), null, null);
    restore.closeStdin();
    Duration left = Duration.between(Instant.now(), deadline);
    if (restore.awaitExit(left.isNegative() ? Duration.ZERO : left).isEmpty()) {
      restore.interrupt();
      throw new RunFailure(
          "DeadlineExceeded",
          "the restore ran out of time ("
              + request.timeout()
              + "); "
              + request.targetPath()
              + " may hold part of the snapshot");
    }
    int exit = restore.exit().join();
    return exit == 0
        ? null
        : ResticFailure.of(
            "restic restore",
            exit,
            restic.redactor().redact(restore.stderrTail()),
            restic.repository().displayLocation());
  }
}
