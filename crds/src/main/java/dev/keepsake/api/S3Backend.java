package dev.keepsake.api;

/** Amazon S3 or an S3-compatible server. */
public class S3Backend {
  private String endpoint;
  private String bucket;
  private String prefix;
  private String region;
  private Boolean forcePathStyle;
  private Boolean insecureSkipTLSVerify;

  public String getEndpoint() {
    return endpoint;
  }

  public S3Backend endpoint(String endpoint) {
    this.endpoint = endpoint;
    return this;
  }

  public String getBucket() {
    return bucket;
  }

  public S3Backend bucket(String bucket) {
    this.bucket = bucket;
    return this;
  }

  public String getPrefix() {
    return prefix;
  }

  public S3Backend prefix(String prefix) {
    this.prefix = prefix;
    return this;
  }

  public String getRegion() {
    return region;
  }

  public S3Backend region(String region) {
    this.region = region;
    return this;
  }

  public Boolean getForcePathStyle() {
    return forcePathStyle;
  }

  public S3Backend forcePathStyle(Boolean forcePathStyle) {
    this.forcePathStyle = forcePathStyle;
    return this;
  }

  public Boolean getInsecureSkipTLSVerify() {
    return insecureSkipTLSVerify;
  }

  public S3Backend insecureSkipTLSVerify(Boolean insecureSkipTLSVerify) {
    this.insecureSkipTLSVerify = insecureSkipTLSVerify;
    return this;
  }
}
