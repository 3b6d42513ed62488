package dev.keepsake.api;

/** Google Cloud Storage. */
public class GcsBackend {
  private String bucket;
  private String prefix;
  private Integer maxConnections;

  public String getBucket() {
    return bucket;
  }

  public GcsBackend bucket(String bucket) {
    this.bucket = bucket;
    return this;
  }

  public String getPrefix() {
    return prefix;
  }

  public GcsBackend prefix(String prefix) {
    this.prefix = prefix;
    return this;
  }

  public Integer getMaxConnections() {
    return maxConnections;
  }

  public GcsBackend maxConnections(Integer maxConnections) {
    this.maxConnections = maxConnections;
    return this;
  }
}
