package dev.keepsake.api;

/** The outcome a session's post hooks were given; the session ends with it once they ran. */
public class SessionOutcome {
  private SessionPhase phase;
  private String reason;
  private String message;

  public SessionPhase getPhase() {
    return phase;
  }

  public SessionOutcome phase(SessionPhase phase) {
    this.phase = phase;
    return this;
  }

  public String getReason() {
    return reason;
  }

  public SessionOutcome reason(String reason) {
    this.reason = reason;
    return this;
  }

  public String getMessage() {
    return message;
  }

  public SessionOutcome message(String message) {
    this.message = message;
    return this;
  }
}
