package dev.keepsake.api;

/** An HTTP GET whose 2xx answer means the hook succeeded. */
public class HttpGetHook {
  private String host;
  private Integer port;
  private String path;
  private String scheme;

  public String getHost() {
    return host;
  }

  public HttpGetHook host(String host) {
    this.host = host;
    return this;
  }

  public Integer getPort() {
    return port;
  }

  public HttpGetHook port(Integer port) {
    this.port = port;
    return this;
  }

  public String getPath() {
    return path;
  }

  public HttpGetHook path(String path) {
    this.path = path;
    return this;
  }

  public String getScheme() {
    return scheme;
  }

  public HttpGetHook scheme(String scheme) {
    this.scheme = scheme;
    return this;
  }
}
