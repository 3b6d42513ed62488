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
  private final ProgressMeter fileProgress;
  private volatile JsonObject summary;
  private final java.util.concurrent.CompletableFuture<Void> opened = new java.util.concurrent.CompletableFuture<>();

  /** @param fileProgress fed from restic's own status lines (file mode); null when we count bytes. */
  public BackupOutput(ProgressMeter fileProgress) {
    this.fileProgress = fileProgress;
  }

  public void read(InputStream stdout) throws IOException {
    BufferedReader reader = new BufferedReader(new InputStreamReader(stdout, StandardCharsets.UTF_8));
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
        } else if ("status".equals(type) && fileProgress != null && message.has("total_bytes")) {
          fileProgress.set(message.has("bytes_done") ? message.get("bytes_done").getAsLong() : 0,
              message.get("total_bytes").getAsLong());
        }
      } catch (JsonSyntaxException | IllegalStateException notJson) {
        // restic prints the odd plain line; only JSON messages matter here
      }
    }
  }

  /**
   * Completes with restic's first JSON line, which it prints once the repository is open and locked,
   * before it reads any input.
   */
  public java.util.concurrent.CompletableFuture<Void> opened() {
    return opened;
  }

  public Optional<BackupSummary> summary() {
    return Optional.ofNullable(summary).map(BackupSummary::from);
  }
}
