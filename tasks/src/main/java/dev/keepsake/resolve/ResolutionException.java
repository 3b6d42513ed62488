package dev.keepsake.resolve;

/**
 * A session whose Job cannot be built, with a reason (for the status condition) and a message that
 * says what to fix.
 */
public final class ResolutionException extends RuntimeException {
  private final String reason;

  public ResolutionException(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
