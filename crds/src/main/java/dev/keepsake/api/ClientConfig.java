package dev.keepsake.api;

/** Where an application listens: a URL or a Service. */
public class ClientConfig {
  private String url;
  private ServiceReference service;

  public String getUrl() {
    return url;
  }

  public ClientConfig url(String url) {
    this.url = url;
    return this;
  }

  public ServiceReference getService() {
    return service;
  }

  public ClientConfig service(ServiceReference service) {
    this.service = service;
    return this;
  }
}
