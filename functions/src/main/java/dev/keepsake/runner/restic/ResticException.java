package dev.keepsake.runner.restic;

/** A restic call that failed, with the classified reason and a message fit for a user. */
public final class ResticException extends RuntimeException {
  private final ResticFailure failure;

  public ResticException(ResticFailure failure) {
    super(failure.message());
    this.failure = failure;
  }

  public ResticFailure failure() {
    return failure;
  }
}
