package dev.keepsake.api;

import java.util.List;

/** Whose snapshots a restore picks from: a restic host and tags. */
public class SnapshotSource {
  private String host;
  private List<String> tags;

  public String getHost() {
    return host;
  }

  public SnapshotSource host(String host) {
    this.host = host;
    return this;
  }

  public List<String> getTags() {
    return tags;
  }

  public SnapshotSource tags(List<String> tags) {
    this.tags = tags;
    return this;
  }
}
