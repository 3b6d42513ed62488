package dev.keepsake.runner.process;

/** A program that could not be started at all, typically because it is not installed. */
public final class ProgramStartFailure extends RuntimeException {
  public ProgramStartFailure(String name, String executable, Throwable cause) {
    super(
        name
            + " could not be started: "
            + executable
            + ": "
            + (cause == null ? "unknown error" : cause.getMessage()),
        cause);
  }
}
