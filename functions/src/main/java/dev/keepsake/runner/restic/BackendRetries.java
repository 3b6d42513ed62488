package dev.keepsake.runner.restic;

import dev.keepsake.api.Durations;
import dev.keepsake.runner.Log;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Watches restic's stderr for the requests it retries against the repository's storage.
 *
 * <p>restic retries a failing backend request for up to 15 minutes, printing a line each time, and
 * its input stalls meanwhile: a backup into storage that went away would hold the dump open that
 * long before failing. The runner gives up once restic has retried without a pause, and without the
 * stream moving, for {@link #patience}, and says the storage side failed.
 */
public final class BackendRetries {
  /** How long restic may retry without progress before the runner gives up (default 5 minutes). */
  public static final String PATIENCE = "KEEPSAKE_STORAGE_PATIENCE";

  static final Duration DEFAULT_PATIENCE = Duration.ofMinutes(5);

  /**
   * restic's backoff waits at most a minute between tries: a longer quiet spell ends the streak.
   */
  static final Duration STREAK_GAP = Duration.ofSeconds(90);

  private static final Duration WARN_EVERY = Duration.ofSeconds(30);

  /**
   * Less than this does not count as the stream moving: a byte count taken from a process's writes
   * grows with the retry lines it prints.
   */
  static final long MOVING = 1 << 20;

  /** "Save(<data/8d3e…>) returned error, retrying after 1.3s: …" (restic 0.14 to 0.18). */
  private static final Pattern RETRY = Pattern.compile("returned error, retrying after [^:]+: ");

  private final Duration patience;
  private Instant streakStart;
  private Instant lastRetry;
  private Instant lastWarning;
  private long bytesAtStreakStart;
  private String lastError;
  private int retries;

  public BackendRetries(Duration patience) {
    this.patience = patience;
  }

  public static BackendRetries fromEnvironment(Map<String, String> environment) {
    String value = environment.get(PATIENCE);
    if (value == null || value.isBlank()) {
      return new BackendRetries(DEFAULT_PATIENCE);
    }
    try {
      return new BackendRetries(Durations.parse(value.trim()));
    } catch (RuntimeException unreadable) {
      Log.warn("%s=%s cannot be read as a duration; using %s", PATIENCE, value, "5m");
      return new BackendRetries(DEFAULT_PATIENCE);
    }
  }

  public Duration patience() {
    return patience;
  }

  /** One line of restic's stderr, with how many bytes the stream had moved then. */
  public synchronized void line(String line, long bytesStreamed, Instant now) {
    if (!RETRY.matcher(line).find()) {
      return;
    }
    if (streakStart == null || Duration.between(lastRetry, now).compareTo(STREAK_GAP) > 0) {
      streakStart = now;
      bytesAtStreakStart = bytesStreamed;
    }
    lastRetry = now;
    lastError = line.length() > 300 ? line.substring(0, 300) + "…" : line;
    retries++;
    if (lastWarning == null || !now.isBefore(lastWarning.plus(WARN_EVERY))) {
      lastWarning = now;
      Log.warn(
          "the repository's storage fails requests; restic retries (%d so far): %s",
          retries, lastError);
    }
  }

  /** Whether restic has retried for longer than the patience with the stream standing still. */
  public synchronized boolean exhausted(long bytesStreamed, Instant now) {
    if (streakStart == null || Duration.between(lastRetry, now).compareTo(STREAK_GAP) > 0) {
      return false;
    }
    if (bytesStreamed - bytesAtStreakStart >= MOVING) {
      // Data still moves: some requests get through.
      streakStart = now;
      bytesAtStreakStart = bytesStreamed;
      return false;
    }
    return Duration.between(streakStart, now).compareTo(patience) >= 0;
  }

  /** Whether restic was retrying lately: a stall then is the storage's doing. */
  public synchronized boolean retrying(Instant now) {
    return lastRetry != null && Duration.between(lastRetry, now).compareTo(STREAK_GAP) <= 0;
  }

  /** "restic retried 14 requests for 5m0s; the last: …", for the failure message. */
  public synchronized String describe(Instant now) {
    return "restic retried failing requests "
        + retries
        + " time(s), for "
        + Durations.human(Duration.between(streakStart == null ? now : streakStart, now))
        + " without the stream moving; the last: "
        + lastError;
  }
}
