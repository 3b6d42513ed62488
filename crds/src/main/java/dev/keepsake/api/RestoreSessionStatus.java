package dev.keepsake.api;

/** Outcome and progress of one restore. */
public class RestoreSessionStatus extends SessionStatus<RestoreSessionStatus> {
  private Long bytesRestored;

  public Long getBytesRestored() {
    return bytesRestored;
  }

  public RestoreSessionStatus bytesRestored(Long bytesRestored) {
    this.bytesRestored = bytesRestored;
    return this;
  }
}
