package dev.keepsake.runner.restic;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonSyntaxException;
import dev.keepsake.runner.stream.ProgressMeter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Reads `restic backup --json` output: progress from status lines, the result from the summary. */
public final class BackupOutput {
  private final ProgressMeter progress;
  private final boolean stream;
  private volatile JsonObject summary;
  private final java.util.concurrent.CompletableFuture<Void> opened =
      new java.util.concurrent.CompletableFuture<>();

  private BackupOutput(ProgressMeter progress, boolean stream) {
    this.progress = progress;
    this.stream = stream;
  }

  /** Files: restic's status lines give bytes done of a known total. */
  public static BackupOutput ofFiles(ProgressMeter progress) {
    return new BackupOutput(progress, false);
  }

  /**
   * A stream: restic's status lines give the bytes it has read from stdin, whichever process wrote
   * them (a dump run through a shell pipeline or a wrapper included).
   */
  public static BackupOutput ofStream(ProgressMeter progress) {
    return new BackupOutput(progress, true);
  }

  public void read(InputStream stdout) throws IOException {
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(stdout, StandardCharsets.UTF_8));
    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
      if (!line.startsWith("{")) {
        continue;
      }
      try {
        JsonObject message = JsonParser.parseString(line).getAsJsonObject();
        opened.complete(null);
        String type = message.has("message_type") ? message.get("message_type").getAsString() : "";
        if ("summary".equals(type)) {
          summary = message;
        } else if ("status".equals(type) && stream && message.has("bytes_done")) {
          progress.done(message.get("bytes_done").getAsLong());
        } else if ("status".equals(type) && !stream && message.has("total_bytes")) {
          progress.set(
              message.has("bytes_done") ? message.get("bytes_done").getAsLong() : 0,
              message.get("total_bytes").getAsLong());
        }
      } catch (JsonSyntaxException | IllegalStateException notJson) {
        // restic prints the odd plain line; only JSON messages matter here
      }
    }
  }

  /**
   * Completes with restic's first JSON line, which it prints once the repository is open and
   * locked, before it reads any input.
   */
  public java.util.concurrent.CompletableFuture<Void> opened() {
    return opened;
  }

  public Optional<BackupSummary> summary() {
    return Optional.ofNullable(summary).map(BackupSummary::from);
  }
}
