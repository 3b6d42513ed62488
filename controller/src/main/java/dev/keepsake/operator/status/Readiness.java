package dev.keepsake.operator.status;

import java.time.Duration;

/**
 * Whether an object can do its work now, and if not why (a reason for the condition, a message for
 * people) and when to look again. Missing inputs heal by themselves, so they come with a requeue.
 */
public record Readiness(boolean ready, String reason, String message, Duration recheckAfter) {
  public static final Duration MISSING_INPUT_RECHECK = Duration.ofSeconds(30);

  public static Readiness ready(String reason, String message) {
    return new Readiness(true, reason, message, null);
  }

  public static Readiness missing(String reason, String message) {
    return new Readiness(false, reason, message, MISSING_INPUT_RECHECK);
  }

  /**
   * The API server refused what was built from the object: a quota or an admission policy may let
   * it through later, so it is tried again now and then.
   */
  public static Readiness refused(String reason, String message) {
    return new Readiness(false, reason, message, REFUSAL_RECHECK);
  }

  public static final Duration REFUSAL_RECHECK = Duration.ofMinutes(1);

  /** Wrong input that only a change of the object itself can fix: no point in looking again. */
  public static Readiness invalid(String reason, String message) {
    return new Readiness(false, reason, message, null);
  }
}
