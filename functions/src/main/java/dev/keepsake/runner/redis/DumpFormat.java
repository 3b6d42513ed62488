package dev.keepsake.runner.redis;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Keepsake's Redis dump: RESP commands that {@code redis-cli --pipe} could replay as they are.
 *
 * <pre>
 * ECHO "keepsake-redis-dump/1 {header}"        where it came from: Redis version, modules, databases, key pattern
 * SELECT n                                     before each database's keys
 * RESTORE key absolute-expiry payload REPLACE ABSTTL   one per key: DUMP's payload, expiry in Unix ms (0: none)
 * ECHO "keepsake-redis-dump-end/1 {trailer}"   what it holds: keys and RESTORE commands per database
 * </pre>
 *
 * The trailer is written only after every key, so a dump without one was cut short.
 */
public final class DumpFormat {
  static final String HEADER = "keepsake-redis-dump/1 ";
  static final String TRAILER = "keepsake-redis-dump-end/1 ";
  static final byte[] ECHO = "ECHO".getBytes(StandardCharsets.US_ASCII);
  static final byte[] SELECT = "SELECT".getBytes(StandardCharsets.US_ASCII);
  static final byte[] RESTORE = "RESTORE".getBytes(StandardCharsets.US_ASCII);
  static final byte[] REPLACE = "REPLACE".getBytes(StandardCharsets.US_ASCII);
  static final byte[] ABSTTL = "ABSTTL".getBytes(StandardCharsets.US_ASCII);

  private DumpFormat() {}

  /**
   * What the dump's trailer counts: per database, distinct keys and RESTORE commands (a key SCAN
   * returned twice is written twice).
   */
  public record Counts(Map<Integer, Long> keys, Map<Integer, Long> commands, int rdbVersion) {
    public long totalKeys() {
      return keys.values().stream().mapToLong(Long::longValue).sum();
    }

    public long totalCommands() {
      return commands.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  static byte[] echo(String marker, JsonObject body) {
    return (marker + body).getBytes(StandardCharsets.UTF_8);
  }

  static JsonObject trailerBody(Counts counts) {
    JsonObject body = new JsonObject();
    body.addProperty("keys", counts.totalKeys());
    JsonObject databases = new JsonObject();
    counts
        .keys()
        .forEach(
            (db, keys) -> {
              JsonObject one = new JsonObject();
              one.addProperty("keys", keys);
              one.addProperty("commands", counts.commands().getOrDefault(db, 0L));
              databases.add(Integer.toString(db), one);
            });
    body.add("databases", databases);
    if (counts.rdbVersion() > 0) {
      body.addProperty("rdbVersion", counts.rdbVersion());
    }
    return body;
  }

  /** The header's or trailer's JSON, when {@code argument} is the ECHO argument of one. */
  static Optional<JsonObject> marker(String marker, byte[] argument) {
    byte[] prefix = marker.getBytes(StandardCharsets.US_ASCII);
    if (argument.length < prefix.length
        || !Arrays.equals(argument, 0, prefix.length, prefix, 0, prefix.length)) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          JsonParser.parseString(
                  new String(
                      argument,
                      prefix.length,
                      argument.length - prefix.length,
                      StandardCharsets.UTF_8))
              .getAsJsonObject());
    } catch (RuntimeException notJson) {
      return Optional.empty();
    }
  }

  static Counts countsFrom(JsonObject trailer) {
    Map<Integer, Long> keys = new TreeMap<>();
    Map<Integer, Long> commands = new TreeMap<>();
    trailer
        .getAsJsonObject("databases")
        .entrySet()
        .forEach(
            entry -> {
              JsonObject one = entry.getValue().getAsJsonObject();
              keys.put(Integer.parseInt(entry.getKey()), one.get("keys").getAsLong());
              commands.put(Integer.parseInt(entry.getKey()), one.get("commands").getAsLong());
            });
    return new Counts(
        keys, commands, trailer.has("rdbVersion") ? trailer.get("rdbVersion").getAsInt() : 0);
  }

  /**
   * The RDB format version a DUMP payload was written in: its last ten bytes are the version (two
   * bytes, little endian) and a CRC64.
   */
  static int rdbVersion(byte[] lastTenBytes) {
    return (lastTenBytes[0] & 0xff) | (lastTenBytes[1] & 0xff) << 8;
  }

  /** A key as people can read it: printable ASCII as is, other bytes as \xNN, long keys cut. */
  public static String printable(byte[] key) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < key.length && text.length() < 200; i++) {
      int b = key[i] & 0xff;
      if (b >= 0x20 && b < 0x7f && b != '\\') {
        text.append((char) b);
      } else {
        text.append(String.format("\\x%02x", b));
      }
    }
    return key.length > 0 && text.length() >= 200 ? text + "…" : text.toString();
  }
}
