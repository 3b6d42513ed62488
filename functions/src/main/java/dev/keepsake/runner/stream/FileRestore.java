package dev.keepsake.runner.stream;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.keepsake.runner.Log;
import dev.keepsake.runner.RunFailure;
import dev.keepsake.runner.process.ExternalProgram;
import dev.keepsake.runner.restic.Restic;
import dev.keepsake.runner.restic.ResticFailure;
import dev.keepsake.runner.restic.Snapshot;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
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
  public static Counts run(Restic restic, Request request) {
    Instant deadline = Instant.now().plus(request.timeout());
    Summary summary = new Summary();
    ResticFailure failure = attempt(restic, request, deadline, summary);
    if (failure != null
        && failure.reason() == ResticFailure.Reason.RepositoryLocked
        && restic.repair(failure, false)) {
      Log.info("restic restore met a stale lock, now removed: started again");
      failure = attempt(restic, request, deadline, summary);
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
    return summary.counts;
  }

  /**
   * What restic's summary counted: files and folders it restored, and files already in place that
   * it left; null when restic printed no summary.
   */
  public record Counts(long restored, long alreadyThere) {
    public boolean nothingSelected() {
      return restored == 0 && alreadyThere == 0;
    }
  }

  /** The summary line of restic restore --json, read from its output. */
  private static final class Summary implements ExternalProgram.OutputReader {
    private volatile Counts counts;

    @Override
    public void read(InputStream stdout) throws IOException {
      BufferedReader reader =
          new BufferedReader(new InputStreamReader(stdout, StandardCharsets.UTF_8));
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (!line.startsWith("{") || !line.contains("\"summary\"")) {
          continue;
        }
        try {
          JsonObject summary = JsonParser.parseString(line).getAsJsonObject();
          if ("summary".equals(text(summary, "message_type"))) {
            counts = new Counts(number(summary, "total_files"), number(summary, "files_skipped"));
          }
        } catch (RuntimeException notJson) {
          // a line of another kind: only the summary counts
        }
      }
    }

    private static String text(JsonObject object, String field) {
      return object.has(field) ? object.get(field).getAsString() : null;
    }

    /** restic leaves out a count of 0. */
    private static long number(JsonObject object, String field) {
      return object.has(field) ? object.get(field).getAsLong() : 0;
    }
  }

  /** Runs restic restore once: null when it succeeded, else why it failed. */
  private static ResticFailure attempt(
      Restic restic, Request request, Instant deadline, Summary summary) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "restore", request.snapshot().id(), "--target", request.targetPath(), "--json"));
    request.include().forEach(pattern -> args.addAll(List.of("--include", pattern)));
    request.exclude().forEach(pattern -> args.addAll(List.of("--exclude", pattern)));
    ExternalProgram restore =
        ExternalProgram.start(
            "restic restore", restic.command(args), restic.environment(), summary, null);
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
