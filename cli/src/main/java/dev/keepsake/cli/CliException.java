package dev.keepsake.cli;

/**
 * A failure told to the user in one line: exit status 1, or 2 for a command line that cannot be
 * used.
 */
final class CliException extends RuntimeException {
  private final boolean usage;
  private final boolean transientFailure;

  CliException(String message) {
    this(message, false, false);
  }

  private CliException(String message, boolean usage, boolean transientFailure) {
    super(message);
    this.usage = usage;
    this.transientFailure = transientFailure;
  }

  /** A failure the API server may get over: unreachable, overloaded, restarting. */
  static CliException transientFailure(String message) {
    return new CliException(message, false, true);
  }

  boolean isTransient() {
    return transientFailure;
  }

  /** A command line that cannot be used as given (exit status 2). */
  static CliException usage(String message) {
    return new CliException(message, true, false);
  }

  int exitCode() {
    return usage ? 2 : 1;
  }
}
