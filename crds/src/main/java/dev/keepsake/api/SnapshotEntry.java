package dev.keepsake.api;

import java.util.List;

/** One snapshot of a repository as its status lists it: enough to choose one to restore. */
public class SnapshotEntry {
  private String id;
  private String time;
  private String host;
  private List<String> tags;
  private String size;
  private Long sizeBytes;
  private String session;

  public String getId() {
    return id;
  }

  public SnapshotEntry id(String id) {
    this.id = id;
    return this;
  }

  public String getTime() {
    return time;
  }

  public SnapshotEntry time(String time) {
    this.time = time;
    return this;
  }

  public String getHost() {
    return host;
  }

  public SnapshotEntry host(String host) {
    this.host = host;
    return this;
  }

  public List<String> getTags() {
    return tags;
  }

  public SnapshotEntry tags(List<String> tags) {
    this.tags = tags;
    return this;
  }

  public String getSize() {
    return size;
  }

  public SnapshotEntry size(String size) {
    this.size = size;
    return this;
  }

  public Long getSizeBytes() {
    return sizeBytes;
  }

  public SnapshotEntry sizeBytes(Long sizeBytes) {
    this.sizeBytes = sizeBytes;
    return this;
  }

  public String getSession() {
    return session;
  }

  public SnapshotEntry session(String session) {
    this.session = session;
    return this;
  }
}
