package dev.keepsake.api;

/** Backblaze B2. */
public class B2Backend {
  private String bucket;
  private String prefix;
  private Integer maxConnections;

  public String getBucket() {
    return bucket;
  }

  public B2Backend bucket(String bucket) {
    this.bucket = bucket;
    return this;
  }

  public String getPrefix() {
    return prefix;
  }

  public B2Backend prefix(String prefix) {
    this.prefix = prefix;
    return this;
  }

  public Integer getMaxConnections() {
    return maxConnections;
  }

  public B2Backend maxConnections(Integer maxConnections) {
    this.maxConnections = maxConnections;
    return this;
  }
}
