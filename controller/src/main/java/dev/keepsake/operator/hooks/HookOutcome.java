package dev.keepsake.operator.hooks;

/** How one hook ended: whether it succeeded, what to tell about it, and the tail of its output. */
record HookOutcome(boolean succeeded, String message, String output) {
  static HookOutcome success(String message, String output) {
    return new HookOutcome(true, message, output);
  }

  static HookOutcome failure(String message, String output) {
    return new HookOutcome(false, message, output);
  }
}
