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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * restic dump snapshot file | restore command, through a pipe of which the runner holds one end.
 * The restore command sees a clean end of input only when restic has streamed the whole file;
 * otherwise it is stopped, and the message says how much it had received.
 */
public final class StreamingRestore {
  private static final Duration POLL = Duration.ofMillis(200);

  /**
   * Until restic's first byte, which the restore command then waits for: often in the first
   * seconds, while restic opens the repository.
   */
  private static final Duration FIRST_BYTE_POLL = Duration.ofMillis(5);

  private static final Duration FIRST_BYTE_SOON = Duration.ofSeconds(3);

  private StreamingRestore() {}

  public record Request(
      Snapshot snapshot,
      String fileName,
      List<String> restoreCommand,
      Map<String, String> restoreEnvironment,
      Duration timeout,
      Path scratch,
      Path restoreReport) {}

  /**
   * Streams the snapshot's file into the restore command; returns the bytes it received. The
   * restore command starts only once restic dump has written into the pipe (or finished an empty
   * file): whatever stops restic before its first byte (a lock, a file the snapshot does not hold,
   * storage that stops answering) leaves the target untouched, with its command never started.
   * restic takes its lock before it reads anything, so a dump refused by a stale lock is started
   * again once the lock is removed.
   */
  public static long run(Restic restic, Request request, ProgressMeter meter) {
    Instant deadline = Instant.now().plus(request.timeout());
    String path =
        request.fileName().startsWith("/") ? request.fileName() : "/" + request.fileName();
    BackendRetries retries = BackendRetries.fromEnvironment(restic.environment());
    try (HeldPipe pipe = HeldPipe.createWatched(request.scratch())) {
      ExternalProgram restore = null;
      boolean locksRemoved = false;
      while (true) {
        AtomicLong told = new AtomicLong();
        ExternalProgram dump =
            ExternalProgram.start(
                "restic dump",
                // Quiet: restic 0.16+ writes "repo already locked, waiting..." to stdout, which
                // here is the restore command's input. No cache: a Job starts with an empty one,
                // and what restic writes into it would count as restored.
                pipe.writing(
                    restic.command(
                        List.of("dump", "--quiet", "--no-cache", request.snapshot().id(), path))),
                restic.environment(),
                null,
                line -> {
                  told.addAndGet(line.getBytes(StandardCharsets.UTF_8).length + 1L);
                  retries.line(line, meter.bytes(), Instant.now());
                });
        dump.closeStdin();
        DumpCount count = new DumpCount(ProcessIo.written(dump.pid()), told);
        meter.follow(count);
        meter.start();
        restore = follow(restic, request, pipe, dump, retries, meter, count, deadline, path);
        int dumpExit = dump.exit().join();
        if (dumpExit == 0) {
          break;
        }
        ResticFailure failure =
            ResticFailure.of(
                "restic dump",
                dumpExit,
                restic.redactor().redact(dump.stderrTail()),
                restic.repository().displayLocation());
        if (restore == null
            && !locksRemoved
            && !pipe.holdsData()
            && failure.reason() == ResticFailure.Reason.RepositoryLocked
            && restic.repair(failure, false)) {
          locksRemoved = true;
          Log.info("restic dump met a stale lock, now removed: started again");
          continue;
        }
        if (restore == null) {
          throw new RunFailure(
              failure.reason().name(),
              "restic dump failed before the restore command was started; the target is"
                  + " untouched: "
                  + failure.message());
        }
        restore.terminate();
        throw new RunFailure(
            failure.reason().name(),
            "restic dump failed after streaming "
                + Bytes.human(meter.bytes())
                + "; the restore command was stopped before the end of input and the target may hold a partial restore: "
                + failure.message());
      }
      // Once the last end is closed the kernel drops what the pipe holds: the runner lets go only
      // after the restore command has opened it (a small file is all in the pipe before that).
      pipe.awaitReader(restore.pid(), deadline);
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
   * Watches restic dump until it exits, starting the restore command as soon as the pipe holds data
   * or the dump is done; returns the restore command, null when it was not started.
   */
  private static ExternalProgram follow(
      Restic restic,
      Request request,
      HeldPipe pipe,
      ExternalProgram dump,
      BackendRetries retries,
      ProgressMeter meter,
      DumpCount count,
      Instant deadline,
      String path) {
    ExternalProgram restore = null;
    Instant dumpStarted = Instant.now();
    while (true) {
      boolean soon = Duration.between(dumpStarted, Instant.now()).compareTo(FIRST_BYTE_SOON) < 0;
      Optional<Integer> exit = dump.awaitExit(restore == null && soon ? FIRST_BYTE_POLL : POLL);
      meter.bytes(); // sample restic's count while its /proc entry exists
      if (restore == null && (exit.isPresent() ? exit.get() == 0 : pipe.holdsData())) {
        count.dataArrived(pipe.bytesHeld(), exit.isPresent());
        restore =
            ExternalProgram.start(
                "restore",
                pipe.reading(request.restoreCommand()),
                request.restoreEnvironment(),
                null,
                null);
        restore.closeStdin();
        pipe.stopLooking();
        Log.info(
            "streaming %s of snapshot %s (pid %d) into %s (pid %d)",
            path,
            request.snapshot().shortId(),
            dump.pid(),
            request.restoreCommand().get(0),
            restore.pid());
      }
      if (exit.isPresent()) {
        return restore;
      }
      if (restore != null && !restore.isRunning()) {
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
                restore == null
                    ? "the restore command was not started and the target is untouched"
                    : "the restore command was stopped before the end of input and the target may"
                        + " hold a partial restore");
        dump.interrupt();
        if (restore != null) {
          restore.terminate();
        }
        throw failure;
      }
      if (Instant.now().isAfter(deadline)) {
        stop(restic, dump);
        if (restore != null) {
          restore.terminate();
        }
        throw new RunFailure(
            "DeadlineExceeded",
            "the restore ran out of time ("
                + request.timeout()
                + ") after "
                + Bytes.human(meter.bytes())
                + (restore == null
                    ? "; the restore command was not started and the target is untouched"
                    : "; the restore command was stopped and the target may hold a partial"
                        + " restore"));
      }
    }
  }

  /**
   * Stops restic dump (an interrupt: restic removes its lock as it ends). Should it end without
   * doing so, that lock is stale (its process is gone), and is removed so the repository is left as
   * found.
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

  /**
   * The bytes restic gave the restore command. What it wrote in all also holds what it told on
   * stderr and what it wrote before its first byte of data (its lock file, requests to the
   * storage): the command's own read count would hold what it read besides its stdin (a JVM reads
   * its jars), and nothing else sees the pipe.
   */
  private static final class DumpCount implements LongSupplier {
    private final LongSupplier written;
    private final AtomicLong told;
    private volatile long beforeData = -1;
    private volatile long whole = -1;

    DumpCount(LongSupplier written, AtomicLong told) {
      this.written = written;
      this.told = told;
    }

    /**
     * The data so far is what the pipe holds: no one has read from it yet. A dump that ended before
     * that put all it had in the pipe; its last count may predate its last writes.
     */
    void dataArrived(long inPipe, boolean dumpEnded) {
      if (dumpEnded) {
        whole = inPipe;
      } else {
        beforeData = Math.max(0, written.getAsLong() - told.get() - inPipe);
      }
    }

    @Override
    public long getAsLong() {
      if (whole >= 0) {
        return whole;
      }
      long all = written.getAsLong() - told.get();
      return beforeData < 0 ? 0 : Math.max(0, all - beforeData);
    }
  }
}
