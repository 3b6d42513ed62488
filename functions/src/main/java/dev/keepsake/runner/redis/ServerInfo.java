package dev.keepsake.runner.redis;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What Redis' INFO says: its version, its key counts per database and the counters that reveal
 * writes.
 */
public record ServerInfo(Map<String, String> fields, Map<Integer, Long> keysPerDatabase) {

  public static ServerInfo read(RespConnection connection) throws IOException {
    RespConnection.Reply reply = connection.call("INFO");
    if (reply.isError()) {
      throw new RedisException(
          "INFO failed on "
              + connection.where()
              + ": "
              + reply.text()
              + " (the user needs the INFO command: +info)");
    }
    return parse(reply.asText());
  }

  static ServerInfo parse(String text) {
    Map<String, String> fields = new HashMap<>();
    Map<Integer, Long> keys = new TreeMap<>();
    for (String line : text.split("\r?\n")) {
      int colon = line.indexOf(':');
      if (line.startsWith("#") || colon < 0) {
        continue;
      }
      String name = line.substring(0, colon);
      String value = line.substring(colon + 1).trim();
      fields.put(name, value);
      if (name.matches("db[0-9]+")) {
        for (String part : value.split(",")) {
          if (part.startsWith("keys=")) {
            keys.put(Integer.parseInt(name.substring(2)), Long.parseLong(part.substring(5)));
          }
        }
      }
    }
    return new ServerInfo(Map.copyOf(fields), Map.copyOf(keys));
  }

  public String version() {
    return fields.getOrDefault("redis_version", "unknown");
  }

  public long keys(int database) {
    return keysPerDatabase.getOrDefault(database, 0L);
  }

  public List<Integer> databasesWithKeys() {
    return List.copyOf(new TreeMap<>(keysPerDatabase).keySet());
  }

  /** A counter from INFO, or -1 when this Redis does not report it. */
  public long counter(String name) {
    try {
      return Long.parseLong(fields.getOrDefault(name, "-1"));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
