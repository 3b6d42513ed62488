package dev.keepsake.api;

/** A Service (and port) through which an application is reached. */
public class ServiceReference {
  private String name;
  private String namespace;
  private Integer port;
  private String scheme;

  public String getName() {
    return name;
  }

  public ServiceReference name(String name) {
    this.name = name;
    return this;
  }

  public String getNamespace() {
    return namespace;
  }

  public ServiceReference namespace(String namespace) {
    this.namespace = namespace;
    return this;
  }

  public Integer getPort() {
    return port;
  }

  public ServiceReference port(Integer port) {
    this.port = port;
    return this;
  }

  public String getScheme() {
    return scheme;
  }

  public ServiceReference scheme(String scheme) {
    this.scheme = scheme;
    return this;
  }
}
