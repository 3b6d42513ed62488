package dev.keepsake.runner.stream;

import dev.keepsake.runner.Bytes;
import dev.keepsake.runner.Log;
import dev.keepsake.runner.RunFailure;
import dev.keepsake.runner.process.ExternalProgram;
import dev.keepsake.runner.restic.BackupOutput;
import dev.keepsake.runner.restic.BackupSummary;
import dev.keepsake.runner.restic.Restic;
import dev.keepsake.runner.restic.ResticFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * dump command | restic backup --stdin, with the runner in the middle of the pipe.
 *
 * <p>restic turns a clean end of input into a snapshot, so it sees one only after the dump command
 * has exited 0. When the dump fails, is killed or runs out of time, restic is interrupted with its
 * stdin still open and writes no snapshot; earlier snapshots are untouched.
 */
public final class StreamingBackup {
  private static final Duration POLL = Duration.ofMillis(200);

  private StreamingBackup() {}

  /** What to stream and under which name, host and tags. */
  public record Request(
      List<String> dumpCommand,
      Map<String, String> dumpEnvironment,
      String stdinFilename,
      String host,
      List<String> tags,
      Duration timeout) {}

  public static BackupSummary run(Restic restic, Request request, ProgressMeter meter) {
    Instant deadline = Instant.now().plus(request.timeout());
    BackupOutput output = new BackupOutput(null);
    List<String> args = new ArrayList<>(List.of("backup", "--stdin", "--stdin-filename", request.stdinFilename(), "--json",
        "--host", request.host()));
    request.tags().forEach(tag -> args.addAll(List.of("--tag", tag)));
    ExternalProgram resticBackup =
        ExternalProgram.start("restic backup", restic.command(args), restic.environment(), output::read, null);
    ExternalProgram dump;
    try {
      dump = ExternalProgram.start("dump", request.dumpCommand(), request.dumpEnvironment(),
          stdout -> Pump.copy(stdout, resticBackup.stdin(), meter), null);
    } catch (RuntimeException cannotStart) {
      resticBackup.interrupt();
      throw new RunFailure("DumpFailed", "the dump command could not be started, nothing was backed up: " + cannotStart.getMessage());
    }
    meter.start();
    Log.info("streaming %s (pid %d) into restic backup (pid %d) as %s", request.dumpCommand().get(0), dump.pid(),
        resticBackup.pid(), request.stdinFilename());

    while (dump.awaitExit(POLL).isEmpty()) {
      if (!resticBackup.isRunning()) {
        dump.terminate();
        throw resticFailedFirst(restic, resticBackup, meter);
      }
      if (Instant.now().isAfter(deadline)) {
        dump.terminate();
        resticBackup.interrupt();
        throw new RunFailure("DeadlineExceeded", "the backup ran out of time (" + request.timeout() + ") after streaming "
            + Bytes.human(meter.bytes()) + "; the dump was stopped and no snapshot was written");
      }
    }
    int dumpExit = dump.exit().join();
    if (dumpExit != 0) {
      resticBackup.interrupt();
      throw new RunFailure(dumpExit > 128 ? "DumpKilled" : "DumpFailed",
          "the dump command " + request.dumpCommand().get(0) + " " + describeExit(dumpExit) + " after streaming "
              + Bytes.human(meter.bytes()) + "; restic was stopped before the end of input, so no snapshot was written"
              + lastLines("dump", restic.redactor().redact(dump.stderrTail())));
    }
    if (dump.readerFailure() != null) {
      resticBackup.interrupt();
      throw resticFailedFirst(restic, resticBackup, meter);
    }

    resticBackup.closeStdin();
    Duration left = Duration.between(Instant.now(), deadline);
    if (resticBackup.awaitExit(left.isNegative() ? Duration.ZERO : left).isEmpty()) {
      resticBackup.interrupt();
      throw new RunFailure("DeadlineExceeded", "restic did not finish the snapshot within the timeout (" + request.timeout() + ")");
    }
    int resticExit = resticBackup.exit().join();
    if (resticExit != 0) {
      ResticFailure failure = ResticFailure.of("restic backup", resticExit, restic.redactor().redact(resticBackup.stderrTail()),
          restic.repository().displayLocation());
      throw new RunFailure(failure.reason().name(), "restic backup failed: " + failure.message());
    }
    return output.summary()
        .orElseThrow(() -> new RunFailure("ResticFailed", "restic backup exited 0 but printed no summary"));
  }

  private static RunFailure resticFailedFirst(Restic restic, ExternalProgram resticBackup, ProgressMeter meter) {
    int exit = resticBackup.awaitExit(Duration.ofSeconds(10)).orElse(-1);
    ResticFailure failure = ResticFailure.of("restic backup", exit, restic.redactor().redact(resticBackup.stderrTail()),
        restic.repository().displayLocation());
    return new RunFailure(failure.reason().name(), "restic backup failed after receiving " + Bytes.human(meter.bytes())
        + " (" + describeExit(exit) + "), so the dump was stopped and no snapshot was written: " + failure.message());
  }

  static String describeExit(int exit) {
    if (exit > 128) {
      return "was killed by signal " + (exit - 128);
    }
    return "exited with code " + exit;
  }

  static String lastLines(String side, String stderr) {
    return stderr == null || stderr.isBlank() ? "" : "\nlast lines of the " + side + "'s stderr:\n" + stderr.lines()
        .skip(Math.max(0, stderr.lines().count() - 10)).reduce((a, b) -> a + "\n" + b).orElse("");
  }
}
