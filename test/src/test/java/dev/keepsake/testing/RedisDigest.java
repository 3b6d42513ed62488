package dev.keepsake.testing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Every key of a database by content, whatever its type: TYPE, DEBUG DIGEST-VALUE (Redis' own hash
 * of the value) and the expiry; for streams also their consumer groups and pending entries, which
 * the digest leaves out.
 */
final class RedisDigest {
  /**
   * One key: its type, the digest of its value (and groups), and its absolute expiry in ms or -1.
   */
  record Key(String type, String digest, long expiresAtMillis) {}

  private static final ProtocolCommand DEBUG = () -> "DEBUG".getBytes(StandardCharsets.US_ASCII);

  private RedisDigest() {}

  static Map<ByteBuffer, Key> read(RedisServer redis, int db) {
    Map<ByteBuffer, Key> keys = new LinkedHashMap<>();
    try (Jedis jedis = RedisDataSet.connect(redis, db)) {
      byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
      List<byte[]> names = new ArrayList<>();
      do {
        ScanResult<byte[]> page = jedis.scan(cursor, new ScanParams().count(5_000));
        names.addAll(page.getResult());
        cursor = page.getCursorAsBytes();
      } while (!Arrays.equals(cursor, ScanParams.SCAN_POINTER_START_BINARY));
      for (byte[] name : names) {
        String type = jedis.type(name);
        long ttl = jedis.pttl(name);
        long now = System.currentTimeMillis();
        Object digest =
            jedis.sendCommand(DEBUG, "DIGEST-VALUE".getBytes(StandardCharsets.US_ASCII), name);
        String content = text(digest);
        if (type.equals("stream")) {
          content +=
              " groups "
                  + text(
                      jedis.sendCommand(
                          Protocol.Command.XINFO,
                          "GROUPS".getBytes(StandardCharsets.US_ASCII),
                          name));
          content += " pending " + pending(jedis, name);
        }
        keys.put(ByteBuffer.wrap(name), new Key(type, content, ttl < 0 ? -1 : now + ttl));
      }
    }
    return keys;
  }

  private static String pending(Jedis jedis, byte[] stream) {
    StringBuilder out = new StringBuilder();
    Object groups =
        jedis.sendCommand(
            Protocol.Command.XINFO, "GROUPS".getBytes(StandardCharsets.US_ASCII), stream);
    for (Object group : (List<?>) groups) {
      List<?> fields = (List<?>) group;
      byte[] groupName = (byte[]) fields.get(1);
      out.append(
          text(
              jedis.sendCommand(
                  Protocol.Command.XPENDING,
                  stream,
                  groupName,
                  "-".getBytes(StandardCharsets.US_ASCII),
                  "+".getBytes(StandardCharsets.US_ASCII),
                  "1000".getBytes(StandardCharsets.US_ASCII))));
    }
    return out.toString();
  }

  /** A reply as text; the idle times XPENDING reports change by the second and are left out. */
  private static String text(Object reply) {
    if (reply instanceof byte[] bytes) {
      return new String(bytes, StandardCharsets.ISO_8859_1);
    }
    if (reply instanceof List<?> list) {
      StringBuilder out = new StringBuilder("[");
      for (int i = 0; i < list.size(); i++) {
        Object item = list.get(i);
        boolean idleTime = list.size() == 4 && i == 2 && item instanceof Long;
        out.append(idleTime ? "idle" : text(item)).append(i + 1 < list.size() ? "," : "");
      }
      return out.append(']').toString();
    }
    return String.valueOf(reply);
  }

  /**
   * Keys that differ between two readings: missing, extra, other content, or an expiry more than
   * {@code slackMillis} apart.
   */
  static List<String> differences(
      Map<ByteBuffer, Key> expected, Map<ByteBuffer, Key> actual, long slackMillis) {
    List<String> differences = new ArrayList<>();
    expected.forEach(
        (name, want) -> {
          Key got = actual.get(name);
          String key = StandardCharsets.ISO_8859_1.decode(name.duplicate()).toString();
          if (got == null) {
            differences.add("missing " + want.type() + " " + key);
          } else if (!got.type().equals(want.type()) || !got.digest().equals(want.digest())) {
            differences.add(
                "different "
                    + want.type()
                    + " "
                    + key
                    + ": "
                    + want.digest()
                    + " vs "
                    + got.digest());
          } else if ((want.expiresAtMillis() < 0) != (got.expiresAtMillis() < 0)
              || Math.abs(want.expiresAtMillis() - got.expiresAtMillis()) > slackMillis) {
            differences.add(
                "other expiry of "
                    + key
                    + ": "
                    + want.expiresAtMillis()
                    + " vs "
                    + got.expiresAtMillis());
          }
        });
    actual.keySet().stream()
        .filter(name -> !expected.containsKey(name))
        .forEach(
            name ->
                differences.add(
                    "extra key " + StandardCharsets.ISO_8859_1.decode(name.duplicate())));
    return differences;
  }
}
