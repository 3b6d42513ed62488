package dev.keepsake.runner.stream;

import dev.keepsake.api.Bytes;
import dev.keepsake.api.Durations;
import dev.keepsake.runner.Log;
import dev.keepsake.runner.RunFailure;
import dev.keepsake.runner.inventory.Inventory;
import dev.keepsake.runner.process.ExternalProgram;
import dev.keepsake.runner.restic.BackendRetries;
import dev.keepsake.runner.restic.BackupOutput;
import dev.keepsake.runner.restic.BackupSummary;
import dev.keepsake.runner.restic.Restic;
import dev.keepsake.runner.restic.ResticFailure;
import dev.keepsake.runner.restic.Snapshot;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * dump command | restic backup --stdin, through a pipe of which the runner holds one end.
 *
 * <p>restic turns a clean end of input into a snapshot, so it sees one only after the dump command
 * has exited 0 and the runner let go of its end. When the dump fails, is killed or runs out of
 * time, restic is interrupted with its stdin still open and writes no snapshot; earlier snapshots
 * are untouched.
 */
public final class StreamingBackup {
  private static final Duration POLL = Duration.ofMillis(200);

  private StreamingBackup() {}

  /**
   * What to stream and under which name, host and tags.
   *
   * @param errorLines stderr lines that mean the dump failed even if it exits 0 (tools that print
   *     errors and go on); empty when the exit code tells
   * @param dumpReport where a Keepsake dump command tells why it failed, or null
   */
  public record Request(
      List<String> dumpCommand,
      Map<String, String> dumpEnvironment,
      String stdinFilename,
      String host,
      List<String> tags,
      Duration timeout,
      Path scratch,
      List<Pattern> errorLines,
      Path dumpReport) {}

  public static BackupSummary run(Restic restic, Request request, ProgressMeter meter) {
    Instant deadline = Instant.now().plus(request.timeout());
    BackupOutput output = BackupOutput.ofStream(meter);
    ErrorLines errors = new ErrorLines(request.errorLines());
    BackendRetries retries = BackendRetries.fromEnvironment(restic.environment());
    List<String> args =
        new ArrayList<>(
            List.of(
                "backup",
                "--stdin",
                "--stdin-filename",
                request.stdinFilename(),
                "--json",
                "--host",
                request.host()));
    request.tags().forEach(tag -> args.addAll(List.of("--tag", tag)));
    try (HeldPipe pipe = HeldPipe.create(request.scratch())) {
      Map<String, String> resticEnvironment = new HashMap<>(restic.environment());
      // Status lines carry the bytes restic has read, and the first one says the repository is
      // open: the dump waits for it, so they come as often as restic allows (at 2 a second the
      // dump started 0.5 s late, at 25 about 0.04 s).
      resticEnvironment.putIfAbsent("RESTIC_PROGRESS_FPS", "60");
      ExternalProgram resticBackup =
          ExternalProgram.start(
              "restic backup",
              pipe.reading(restic.command(args)),
              resticEnvironment,
              output::read,
              line -> retries.line(line, meter.bytes(), Instant.now()));
      resticBackup.closeStdin();
      awaitRepositoryOpen(restic, resticBackup, output, deadline);
      ExternalProgram dump =
          ExternalProgram.start(
              "dump",
              pipe.writing(request.dumpCommand()),
              request.dumpEnvironment(),
              null,
              errors::check);
      dump.closeStdin();
      meter.start();
      Log.info(
          "streaming %s (pid %d) into restic backup (pid %d) as %s",
          request.dumpCommand().get(0), dump.pid(), resticBackup.pid(), request.stdinFilename());

      while (dump.awaitExit(POLL).isEmpty()) {
        if (errors.first() != null) {
          dump.terminate();
          resticBackup.interrupt();
          throw reportedError(request, restic, dump, errors, meter);
        }
        if (!resticBackup.isRunning()) {
          dump.terminate();
          throw resticFailedFirst(restic, resticBackup, meter);
        }
        if (retries.exhausted(meter.bytes(), Instant.now())) {
          RunFailure failure = storageFailed(restic, retries, meter);
          dump.terminate();
          resticBackup.interrupt();
          throw failure;
        }
        if (Instant.now().isAfter(deadline)) {
          dump.terminate();
          resticBackup.interrupt();
          throw new RunFailure(
              "DeadlineExceeded",
              "the backup ran out of time ("
                  + request.timeout()
                  + ") after streaming "
                  + Bytes.human(meter.bytes())
                  + "; the dump was stopped and no snapshot was written"
                  + storageWasFailing(restic, retries));
        }
      }
      int dumpExit = dump.exit().join();
      if (dumpExit != 0) {
        resticBackup.interrupt();
        Optional<Inventory.Failure> reported = Inventory.readFailure(request.dumpReport());
        if (reported.isPresent() && dumpExit < 128) {
          throw new RunFailure(
              reported.get().reason(),
              restic.redactor().redact(reported.get().message())
                  + "; restic was stopped before the end of input, so no snapshot was written");
        }
        throw new RunFailure(
            dumpExit > 128 ? "DumpKilled" : "DumpFailed",
            "the dump command "
                + commandName(request.dumpCommand())
                + " "
                + describeExit(dumpExit)
                + " after streaming "
                + Bytes.human(meter.bytes())
                + "; restic was stopped before the end of input, so no snapshot was written"
                + lastLines("dump", restic.redactor().redact(dump.stderrTail())));
      }
      if (errors.first() != null) {
        resticBackup.interrupt();
        throw reportedError(request, restic, dump, errors, meter);
      }

      pipe.release();
      while (resticBackup.awaitExit(POLL).isEmpty()) {
        if (retries.exhausted(meter.bytes(), Instant.now())) {
          RunFailure failure = storageFailed(restic, retries, meter);
          resticBackup.interrupt();
          throw failure;
        }
        if (Instant.now().isAfter(deadline)) {
          resticBackup.interrupt();
          throw new RunFailure(
              "DeadlineExceeded",
              "restic did not finish the snapshot within the timeout ("
                  + request.timeout()
                  + "), so none was written"
                  + storageWasFailing(restic, retries));
        }
      }
      int resticExit = resticBackup.exit().join();
      if (resticExit == INCOMPLETE_SNAPSHOT) {
        throw incompleteSnapshot(request, restic, resticBackup, output);
      }
      if (resticExit != 0 && resticBackup.stderrTail().contains("snapshot is empty")) {
        // restic 0.14 refuses to store an empty stream ("snapshot is empty").
        throw emptyDump(request, "");
      }
      if (resticExit != 0) {
        ResticFailure failure =
            ResticFailure.of(
                "restic backup",
                resticExit,
                restic.redactor().redact(resticBackup.stderrTail()),
                restic.repository().displayLocation());
        throw new RunFailure(failure.reason().name(), "restic backup failed: " + failure.message());
      }
      return output
          .summary()
          .orElseThrow(
              () ->
                  new RunFailure("ResticFailed", "restic backup exited 0 but printed no summary"));
    }
  }

  /**
   * The dump starts only once restic has opened and locked the repository, so a repository that is
   * missing, locked or refuses the password never costs a dump.
   */
  private static void awaitRepositoryOpen(
      Restic restic, ExternalProgram resticBackup, BackupOutput output, Instant deadline) {
    while (!output.opened().isDone()) {
      if (!resticBackup.isRunning() && !output.opened().isDone()) {
        int exit = resticBackup.awaitExit(Duration.ofSeconds(10)).orElse(-1);
        throw new RepositoryNotOpened(
            ResticFailure.of(
                "restic backup",
                exit,
                restic.redactor().redact(resticBackup.stderrTail()),
                restic.repository().displayLocation()));
      }
      if (Instant.now().isAfter(deadline)) {
        resticBackup.interrupt();
        throw new RunFailure(
            "DeadlineExceeded", "restic could not open the repository before the timeout");
      }
      try {
        output.opened().get(POLL.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException notYet) {
        // poll again
      } catch (java.util.concurrent.ExecutionException | InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** restic stopped before it read any input: nothing was streamed, the run can be repeated. */
  public static final class RepositoryNotOpened extends RuntimeException {
    private final ResticFailure failure;

    RepositoryNotOpened(ResticFailure failure) {
      super(failure.message());
      this.failure = failure;
    }

    public ResticFailure failure() {
      return failure;
    }
  }

  private static RunFailure resticFailedFirst(
      Restic restic, ExternalProgram resticBackup, ProgressMeter meter) {
    int exit = resticBackup.awaitExit(Duration.ofSeconds(10)).orElse(-1);
    ResticFailure failure =
        ResticFailure.of(
            "restic backup",
            exit,
            restic.redactor().redact(resticBackup.stderrTail()),
            restic.repository().displayLocation());
    return new RunFailure(
        failure.reason().name(),
        "restic backup failed after receiving "
            + Bytes.human(meter.bytes())
            + " ("
            + describeExit(exit)
            + "), so the dump was stopped and no snapshot was written: "
            + failure.message());
  }

  /**
   * restic's exit code (from 0.17) for a snapshot it saved although it could not read all its
   * input; an empty stream is such input.
   */
  static final int INCOMPLETE_SNAPSHOT = 3;

  /** A snapshot of a stream restic could not read is no backup: it is removed again. */
  private static RunFailure incompleteSnapshot(
      Request request, Restic restic, ExternalProgram resticBackup, BackupOutput output) {
    Optional<BackupSummary> summary = output.summary();
    String removal =
        summary
            .map(BackupSummary::snapshotId)
            .filter(id -> id != null && !id.isBlank())
            .map(
                id ->
                    restic.forgetSnapshot(id)
                        ? "; the incomplete snapshot "
                            + Snapshot.shortId(id)
                            + " restic saved was removed"
                        : "; restic saved an incomplete snapshot "
                            + Snapshot.shortId(id)
                            + " that could not be removed: forget it before restoring")
            .orElse("");
    String stderr = resticBackup.stderrTail();
    if (stderr.contains("no data read")
        || summary.map(BackupSummary::bytesProcessed).orElse(-1L) == 0) {
      return emptyDump(request, removal);
    }
    return new RunFailure(
        "ResticFailed",
        "restic backup could not read all of the stream (exit code 3)"
            + removal
            + "; earlier snapshots are untouched"
            + lastLines("restic", restic.redactor().redact(stderr)));
  }

  private static RunFailure emptyDump(Request request, String removal) {
    return new RunFailure(
        "EmptyDump",
        "the dump command "
            + commandName(request.dumpCommand())
            + " exited 0 but wrote nothing (is the database empty?); no snapshot was kept"
            + removal
            + ", and earlier ones are untouched");
  }

  private static RunFailure storageFailed(
      Restic restic, BackendRetries retries, ProgressMeter meter) {
    return storageStopped(
        restic,
        retries,
        Bytes.human(meter.bytes()) + " had streamed",
        "The backup was stopped",
        "no snapshot was written and earlier ones are untouched");
  }

  /**
   * The storage stopped answering: restic is stopped rather than left retrying for 15 minutes.
   *
   * @param streamed how far the stream had come ("12 MiB had streamed")
   * @param stopped what was stopped ("The backup was stopped")
   * @param aftermath what that leaves behind
   */
  static RunFailure storageStopped(
      Restic restic, BackendRetries retries, String streamed, String stopped, String aftermath) {
    return new RunFailure(
        ResticFailure.Reason.EndpointUnreachable.name(),
        "the repository's storage ("
            + restic.repository().displayLocation()
            + ") stopped answering after "
            + streamed
            + ": "
            + restic.redactor().redact(retries.describe(Instant.now()))
            + ". "
            + stopped
            + " after "
            + Durations.human(retries.patience())
            + " of this; "
            + aftermath);
  }

  private static String storageWasFailing(Restic restic, BackendRetries retries) {
    Instant now = Instant.now();
    return retries.retrying(now)
        ? "; the repository's storage was failing requests: "
            + restic.redactor().redact(retries.describe(now))
        : "";
  }

  private static RunFailure reportedError(
      Request request,
      Restic restic,
      ExternalProgram dump,
      ErrorLines errors,
      ProgressMeter meter) {
    return new RunFailure(
        "DumpReportedErrors",
        "the dump command "
            + commandName(request.dumpCommand())
            + " printed an error after streaming "
            + Bytes.human(meter.bytes())
            + " ("
            + restic.redactor().redact(errors.first())
            + "); it is known to go on and exit 0 after such errors with data missing, so it was stopped and no snapshot was written"
            + lastLines("dump", restic.redactor().redact(dump.stderrTail())));
  }

  /** The program a command runs: both words for the runner's own ({@code keepsake redis-dump}). */
  public static String commandName(List<String> command) {
    String program = Path.of(command.get(0)).getFileName().toString();
    return program.equals("keepsake") && command.size() > 1
        ? program + " " + command.get(1)
        : program;
  }

  /** Watches a dump's stderr for lines that mean it failed, whatever its exit code. */
  private static final class ErrorLines {
    private final List<Pattern> patterns;
    private volatile String first;

    ErrorLines(List<Pattern> patterns) {
      this.patterns = patterns == null ? List.of() : patterns;
    }

    void check(String line) {
      if (first == null && patterns.stream().anyMatch(p -> p.matcher(line).find())) {
        first = line.length() > 500 ? line.substring(0, 500) + "…" : line;
      }
    }

    String first() {
      return first;
    }
  }

  static String describeExit(int exit) {
    if (exit > 128) {
      return "was killed by signal " + (exit - 128);
    }
    return "exited with code " + exit;
  }

  static String lastLines(String side, String stderr) {
    return stderr == null || stderr.isBlank()
        ? ""
        : "\nlast lines of the "
            + side
            + "'s stderr:\n"
            + stderr
                .lines()
                .skip(Math.max(0, stderr.lines().count() - 10))
                .reduce((a, b) -> a + "\n" + b)
                .orElse("");
  }
}
