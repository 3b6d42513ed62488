package dev.keepsake.api;

/** A restic REST server. */
public class RestBackend {
  private String url;

  public String getUrl() {
    return url;
  }

  public RestBackend url(String url) {
    this.url = url;
    return this;
  }
}
