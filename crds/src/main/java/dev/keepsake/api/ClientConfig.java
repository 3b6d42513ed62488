package dev.keepsake.api;

/** Where an application listens: a URL or a Service. */
public class ClientConfig {
  private String url;
  private ServiceReference service;
  private String caBundle;
  private Boolean insecureSkipTLSVerify;

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

  public String getCaBundle() {
    return caBundle;
  }

  public ClientConfig caBundle(String caBundle) {
    this.caBundle = caBundle;
    return this;
  }

  public Boolean getInsecureSkipTLSVerify() {
    return insecureSkipTLSVerify;
  }

  public ClientConfig insecureSkipTLSVerify(Boolean insecureSkipTLSVerify) {
    this.insecureSkipTLSVerify = insecureSkipTLSVerify;
    return this;
  }
}
