package dev.keepsake.api;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Go-style durations as users write them in specs and flags: 90s, 30m, 1h30m. */
public final class Durations {
  private static final Pattern FORMAT = Pattern.compile("^(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?$");

  private Durations() {}

  public static Duration parse(String text) {
    Matcher matcher = FORMAT.matcher(text == null ? "" : text.trim());
    if (text == null || text.isBlank() || !matcher.matches()) {
      throw new IllegalArgumentException(
          "not a duration: '" + text + "' (write it like 90s, 30m or 1h30m)");
    }
    return Duration.ofHours(group(matcher, 1))
        .plusMinutes(group(matcher, 2))
        .plusSeconds(group(matcher, 3));
  }

  /** 1h2m3s, 4m0s, 12.3s: short and exact enough for a status column. */
  public static String human(Duration duration) {
    long seconds = duration.getSeconds();
    if (seconds < 60) {
      return String.format(java.util.Locale.ROOT, "%.1fs", duration.toMillis() / 1000.0);
    }
    return (seconds >= 3600 ? seconds / 3600 + "h" : "")
        + (seconds % 3600) / 60
        + "m"
        + seconds % 60
        + "s";
  }

  private static long group(Matcher matcher, int index) {
    return matcher.group(index) == null ? 0 : Long.parseLong(matcher.group(index));
  }
}
