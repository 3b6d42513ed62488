package dev.keepsake.runner;

/**
 * A run that did not do what it was asked, with a reason (CamelCase, for status conditions and
 * metric labels) and a message for people that says which side failed and why.
 */
public final class RunFailure extends RuntimeException {
  private final String reason;

  public RunFailure(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
