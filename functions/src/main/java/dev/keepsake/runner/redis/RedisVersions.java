package dev.keepsake.runner.redis;

import java.util.Map;
import java.util.OptionalInt;

/**
 * Which RDB format each Redis release writes in DUMP payloads. A payload restores only into a Redis
 * that reads its format: the same release line or a newer one.
 */
public final class RedisVersions {
  private static final Map<String, Integer> RDB_BY_RELEASE =
      Map.ofEntries(
          Map.entry("2.6", 6),
          Map.entry("2.8", 6),
          Map.entry("3.0", 6),
          Map.entry("3.2", 7),
          Map.entry("4.0", 8),
          Map.entry("5.0", 9),
          Map.entry("6.0", 9),
          Map.entry("6.2", 9),
          Map.entry("7.0", 10),
          Map.entry("7.2", 11),
          Map.entry("7.4", 12),
          Map.entry("8.0", 12));

  private RedisVersions() {}

  /** The RDB format of a release such as 7.0.15, when it is known here. */
  public static OptionalInt rdbVersion(String redisVersion) {
    String[] parts = redisVersion == null ? new String[0] : redisVersion.split("\\.");
    if (parts.length < 2) {
      return OptionalInt.empty();
    }
    Integer rdb = RDB_BY_RELEASE.get(parts[0] + "." + parts[1]);
    return rdb == null ? OptionalInt.empty() : OptionalInt.of(rdb);
  }

  /** The oldest release line that reads this RDB format, for messages. */
  public static String oldestReading(int rdbVersion) {
    return RDB_BY_RELEASE.entrySet().stream()
        .filter(e -> e.getValue() >= rdbVersion)
        .map(Map.Entry::getKey)
        .min(RedisVersions::compare)
        .orElse("a release newer than 8.0");
  }

  /** Compares release strings numerically, part by part (7.10 after 7.9). */
  public static int compare(String a, String b) {
    String[] x = a.split("\\.");
    String[] y = b.split("\\.");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      int left = i < x.length ? number(x[i]) : 0;
      int right = i < y.length ? number(y[i]) : 0;
      if (left != right) {
        return Integer.compare(left, right);
      }
    }
    return 0;
  }

  private static int number(String part) {
    String digits = part.replaceAll("[^0-9].*$", "");
    return digits.isEmpty() ? 0 : Integer.parseInt(digits);
  }
}
