package dev.keepsake.api;

/** Hooks around a restore. */
public class RestoreHooks {
  private Hook preRestore;
  private Hook postRestore;

  public Hook getPreRestore() {
    return preRestore;
  }

  public RestoreHooks preRestore(Hook preRestore) {
    this.preRestore = preRestore;
    return this;
  }

  public Hook getPostRestore() {
    return postRestore;
  }

  public RestoreHooks postRestore(Hook postRestore) {
    this.postRestore = postRestore;
    return this;
  }
}
