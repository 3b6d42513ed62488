package dev.keepsake.api;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;

/**
 * What the runner tells the operator as it ends, in its container's termination message: why it
 * ended (Completed, or the reason of its failure) and what it did or what went wrong.
 */
public record RunnerReport(String reason, String message) {
  /** The reason of a runner that did what it was asked. */
  public static final String COMPLETED = "Completed";

  /** Kubernetes keeps at most 4096 bytes of a termination message. */
  public static final int LIMIT = 4096;

  /**
   * The report as JSON within {@link #LIMIT} bytes, its message cut short with an ellipsis where it
   * must be.
   */
  public String toJson() {
    String shortened = message;
    String text = json(reason, shortened);
    int bytes = text.getBytes(StandardCharsets.UTF_8).length;
    while (bytes > LIMIT) {
      // In proportion to the bytes, since a character may take several; a little under, for the
      // ellipsis.
      int keep = (int) ((long) shortened.length() * (LIMIT - 64) / bytes);
      shortened = shortened.substring(0, Math.max(0, Math.min(keep, shortened.length() - 2))) + "…";
      text = json(reason, shortened);
      bytes = text.getBytes(StandardCharsets.UTF_8).length;
    }
    return text;
  }

  private static String json(String reason, String message) {
    JsonObject json = new JsonObject();
    json.addProperty("reason", reason);
    json.addProperty("message", message);
    return json.toString();
  }

  /**
   * The report a termination message holds; a message that is not one is kept as text, without a
   * reason.
   */
  public static RunnerReport parse(String terminationMessage) {
    try {
      JsonObject json = JsonParser.parseString(terminationMessage).getAsJsonObject();
      return new RunnerReport(json.get("reason").getAsString(), json.get("message").getAsString());
    } catch (RuntimeException notAReport) {
      return new RunnerReport(null, terminationMessage.trim());
    }
  }

  public boolean completed() {
    return COMPLETED.equals(reason);
  }
}
