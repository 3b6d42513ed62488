package dev.keepsake.desired;

import java.time.Duration;

/** The deadlines the operator gives Jobs whose spec sets none. */
public final class JobDeadlines {
  /**
   * A backup's or restore's Job when its spec sets no timeout. Without one a pod that never starts,
   * for a reason no check knows, would hold the session Running and every later backup of its
   * configuration Skipped behind it, for ever. It is the runner's own 24h and ten minutes more, so
   * that a runner that started runs out of time first and says how far it came.
   */
  public static final Duration WHEN_TIMEOUT_UNSET = Duration.ofHours(24).plusMinutes(10);

  private JobDeadlines() {}
}
