package dev.keepsake.api;

/** Outcome and progress of one restore. */
public class RestoreSessionStatus extends SessionStatus<RestoreSessionStatus> {
  private Long bytesRestored;
  private Long filesRestored;

  public Long getBytesRestored() {
    return bytesRestored;
  }

  public RestoreSessionStatus bytesRestored(Long bytesRestored) {
    this.bytesRestored = bytesRestored;
    return this;
  }

  public Long getFilesRestored() {
    return filesRestored;
  }

  public RestoreSessionStatus filesRestored(Long filesRestored) {
    this.filesRestored = filesRestored;
    return this;
  }
}
