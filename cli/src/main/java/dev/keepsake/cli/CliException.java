package dev.keepsake.cli;

/** A failure told to the user in one line: exit status 1, or 2 for a command line that cannot be used. */
final class CliException extends RuntimeException {
  private final boolean usage;

  CliException(String message) {
    this(message, false);
  }

  private CliException(String message, boolean usage) {
    super(message);
    this.usage = usage;
  }

  /** A command line that cannot be used as given (exit status 2). */
  static CliException usage(String message) {
    return new CliException(message, true);
  }

  int exitCode() {
    return usage ? 2 : 1;
  }
}
