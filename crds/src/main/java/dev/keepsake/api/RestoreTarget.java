package dev.keepsake.api;

/** What a restore writes into; for volumes also where the files go. */
public class RestoreTarget extends Target {
  private String targetPath;

  public String getTargetPath() {
    return targetPath;
  }

  public RestoreTarget targetPath(String targetPath) {
    this.targetPath = targetPath;
    return this;
  }
}
