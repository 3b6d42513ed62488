package dev.keepsake.runner.restic;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * One lock file of a restic repository, as `restic cat lock` prints it. A field restic left out (or
 * wrote in a form we cannot read) is null, or false for {@code exclusive}.
 */
public record ResticLock(
    String id, Instant time, boolean exclusive, String hostname, String username, Long pid) {

  /** Reads `restic cat lock ID` output; fails with IllegalArgumentException when it is no JSON. */
  public static ResticLock parse(String id, String json) {
    JsonObject lock;
    try {
      JsonElement parsed = JsonParser.parseString(json == null ? "" : json.trim());
      if (!parsed.isJsonObject()) {
        throw new IllegalArgumentException("lock " + shortId(id) + " is not a JSON object");
      }
      lock = parsed.getAsJsonObject();
    } catch (JsonParseException e) {
      throw new IllegalArgumentException("lock " + shortId(id) + " is not JSON", e);
    }
    return new ResticLock(
        id,
        instant(string(lock, "time")),
        lock.has("exclusive")
            && lock.get("exclusive").isJsonPrimitive()
            && lock.get("exclusive").getAsJsonPrimitive().isBoolean()
            && lock.get("exclusive").getAsBoolean(),
        string(lock, "hostname"),
        string(lock, "username"),
        number(lock, "pid"));
  }

  /** The first 8 characters of the id, as restic shows it in its own messages. */
  public String shortId() {
    return shortId(id);
  }

  /**
   * restic writes Go's RFC 3339 with nanoseconds and the writer's zone offset; Kubernetes writes
   * RFC 3339 in UTC. Null when absent or unreadable.
   */
  static Instant instant(String rfc3339) {
    if (rfc3339 == null || rfc3339.isBlank()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(rfc3339.trim()).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static String shortId(String id) {
    return id == null ? "?" : id.substring(0, Math.min(8, id.length()));
  }

  private static String string(JsonObject object, String key) {
    JsonElement value = object.get(key);
    return value != null && value.isJsonPrimitive() && value.getAsJsonPrimitive().isString()
        ? value.getAsString()
        : null;
  }

  private static Long number(JsonObject object, String key) {
    JsonElement value = object.get(key);
    return value != null && value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber()
        ? value.getAsLong()
        : null;
  }
}
