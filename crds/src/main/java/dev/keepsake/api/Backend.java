package dev.keepsake.api;

/** Where a repository lives; exactly one field is set. */
public class Backend {
  private LocalBackend local;
  private S3Backend s3;
  private GcsBackend gcs;
  private AzureBackend azure;
  private B2Backend b2;
  private RestBackend rest;

  public LocalBackend getLocal() {
    return local;
  }

  public Backend local(LocalBackend local) {
    this.local = local;
    return this;
  }

  public S3Backend getS3() {
    return s3;
  }

  public Backend s3(S3Backend s3) {
    this.s3 = s3;
    return this;
  }

  public GcsBackend getGcs() {
    return gcs;
  }

  public Backend gcs(GcsBackend gcs) {
    this.gcs = gcs;
    return this;
  }

  public AzureBackend getAzure() {
    return azure;
  }

  public Backend azure(AzureBackend azure) {
    this.azure = azure;
    return this;
  }

  public B2Backend getB2() {
    return b2;
  }

  public Backend b2(B2Backend b2) {
    this.b2 = b2;
    return this;
  }

  public RestBackend getRest() {
    return rest;
  }

  public Backend rest(RestBackend rest) {
    this.rest = rest;
    return this;
  }
}
