package dev.keepsake.api;

import java.util.List;

/** Hooks around a restore, each list run in order. */
public class RestoreHooks {
  private List<Hook> preRestore;
  private List<Hook> postRestore;

  public List<Hook> getPreRestore() {
    return preRestore;
  }

  public RestoreHooks preRestore(List<Hook> preRestore) {
    this.preRestore = preRestore;
    return this;
  }

  public List<Hook> getPostRestore() {
    return postRestore;
  }

  public RestoreHooks postRestore(List<Hook> postRestore) {
    this.postRestore = postRestore;
    return this;
  }
}
