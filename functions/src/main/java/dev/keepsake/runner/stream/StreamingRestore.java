package dev.keepsake.runner.stream;

import dev.keepsake.api.Bytes;
import dev.keepsake.runner.Log;
import dev.keepsake.runner.RunFailure;
import dev.keepsake.runner.inventory.Inventory;
import dev.keepsake.runner.process.ExternalProgram;
import dev.keepsake.runner.restic.BackendRetries;
import dev.keepsake.runner.restic.Restic;
import dev.keepsake.runner.restic.ResticFailure;
import dev.keepsake.runner.restic.Snapshot;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * restic dump snapshot file | restore command, through a pipe of which the runner holds one end.
 * The restore command sees a clean end of input only when restic has streamed the whole file;
 * otherwise it is stopped, and the message says how much it had received.
 */
public final class StreamingRestore {
  private static final Duration POLL = Duration.ofMillis(200);

  private StreamingRestore() {}

  public record Request(
      Snapshot snapshot,
      String fileName,
      List<String> restoreCommand,
      Map<String, String> restoreEnvironment,
      Duration timeout,
      Path scratch,
      Path restoreReport) {}

  /** Streams the snapshot's file into the restore command; returns the bytes it received. */
  public static long run(Restic restic, Request request, ProgressMeter meter) {
    Instant deadline = Instant.now().plus(request.timeout());
    String path =
        request.fileName().startsWith("/") ? request.fileName() : "/" + request.fileName();
    try (HeldPipe pipe = HeldPipe.create(request.scratch())) {
      ExternalProgram restore =
          ExternalProgram.start(
              "restore",
              pipe.reading(request.restoreCommand()),
              request.restoreEnvironment(),
              null,
              null);
      restore.closeStdin();
      BackendRetries retries = BackendRetries.fromEnvironment(restic.environment());
      ExternalProgram dump =
          ExternalProgram.start(
              "restic dump",
              pipe.writing(restic.command(List.of("dump", request.snapshot().id(), path))),
              restic.environment(),
              null,
              line -> retries.line(line, meter.bytes(), Instant.now()));
      dump.closeStdin();
      // What restic wrote is what the restore command was given: its own read count would also hold
      // what it read besides its stdin (a JVM reads its jars).
      meter.follow(ProcessIo.written(dump.pid()));
      meter.start();
      Log.info(
          "streaming %s of snapshot %s (pid %d) into %s (pid %d)",
          path,
          request.snapshot().shortId(),
          dump.pid(),
          request.restoreCommand().get(0),
          restore.pid());

      while (dump.awaitExit(POLL).isEmpty()) {
        meter.bytes(); // sample restic's count while its /proc entry exists
        if (!restore.isRunning()) {
          stop(restic, dump);
          throw restoreFailed(
              restic, request, restore, meter, "stopped reading before the end of the snapshot");
        }
        if (retries.exhausted(meter.bytes(), Instant.now())) {
          RunFailure failure =
              StreamingBackup.storageStopped(
                  restic,
                  retries,
                  Bytes.human(meter.bytes()) + " of the snapshot had streamed",
                  "The restore was stopped",
                  "the restore command was stopped before the end of input and the target may hold"
                      + " a partial restore");
          dump.interrupt();
          restore.terminate();
          throw failure;
        }
        if (Instant.now().isAfter(deadline)) {
          stop(restic, dump);
          restore.terminate();
          throw new RunFailure(
              "DeadlineExceeded",
              "the restore ran out of time ("
                  + request.timeout()
                  + ") after "
                  + Bytes.human(meter.bytes())
                  + "; the restore command was stopped and the target may hold a partial restore");
        }
      }
      int dumpExit = dump.exit().join();
      if (dumpExit != 0) {
        restore.terminate();
        ResticFailure failure =
            ResticFailure.of(
                "restic dump",
                dumpExit,
                restic.redactor().redact(dump.stderrTail()),
                restic.repository().displayLocation());
        throw new RunFailure(
            failure.reason().name(),
            "restic dump failed after streaming "
                + Bytes.human(meter.bytes())
                + "; the restore command was stopped before the end of input and the target may hold a partial restore: "
                + failure.message());
      }
      pipe.release();
      Duration left = Duration.between(Instant.now(), deadline);
      if (restore.awaitExit(left.isNegative() ? Duration.ZERO : left).isEmpty()) {
        restore.terminate();
        throw new RunFailure(
            "DeadlineExceeded",
            "the restore command did not finish within the timeout (" + request.timeout() + ")");
      }
      if (restore.exit().join() != 0) {
        throw restoreFailed(
            restic, request, restore, meter, "failed after receiving the whole snapshot");
      }
      return meter.bytes();
    }
  }

  /**
   * Stops restic dump. When its reader is gone it may die of the broken pipe before it can remove
   * its lock; that lock is then stale (its process is gone), and is removed so the repository is
   * left as found.
   */
  private static void stop(Restic restic, ExternalProgram dump) {
    dump.interrupt();
    restic.removeStaleLocks();
  }

  private static RunFailure restoreFailed(
      Restic restic, Request request, ExternalProgram restore, ProgressMeter meter, String what) {
    int exit = restore.awaitExit(Duration.ofSeconds(10)).orElse(-1);
    Optional<Inventory.Failure> reported = Inventory.readFailure(request.restoreReport());
    if (reported.isPresent() && exit > 0 && exit < 128) {
      return new RunFailure(
          reported.get().reason(),
          restic.redactor().redact(reported.get().message())
              + " ("
              + Bytes.human(meter.bytes())
              + " of the snapshot streamed; the repository is untouched)");
    }
    return new RunFailure(
        "RestoreCommandFailed",
        "the restore command "
            + what
            + " ("
            + StreamingBackup.describeExit(exit)
            + ", "
            + Bytes.human(meter.bytes())
            + " received); the repository is untouched and the target may hold a partial restore"
            + StreamingBackup.lastLines(
                "restore command", restic.redactor().redact(restore.stderrTail())));
  }
}
