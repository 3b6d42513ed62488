package dev.keepsake.runner.report;

import com.google.gson.JsonObject;
import dev.keepsake.runner.Log;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The pod's termination message: Kubernetes copies this file into the container status, where the
 * operator reads why a backup failed. JSON with reason and message.
 */
public final class TerminationMessage {
  /** Kubernetes keeps at most 4096 bytes of a termination message. */
  private static final int LIMIT = 4096;

  private TerminationMessage() {}

  public static void write(Path file, String reason, String message) {
    if (file == null) {
      return;
    }
    message = Log.redactor().redact(message);
    JsonObject json = new JsonObject();
    json.addProperty("reason", reason);
    json.addProperty("message", message);
    String text = json.toString();
    while (text.getBytes(StandardCharsets.UTF_8).length > LIMIT) {
      String shorter = message.substring(0, Math.max(0, message.length() - (text.length() - LIMIT) - 16)) + "…";
      json.addProperty("message", shorter);
      message = shorter;
      text = json.toString();
    }
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      Log.warn("could not write the termination message to %s: %s", file, e.getMessage());
    }
  }
}
