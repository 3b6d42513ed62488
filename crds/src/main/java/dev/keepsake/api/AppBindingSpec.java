package dev.keepsake.api;

import com.google.gson.JsonObject;

/** How to reach an application and which Secret holds its credentials. */
public class AppBindingSpec {
  private String type;
  private String version;
  private ClientConfig clientConfig;
  private NamedRef secret;
  private NamedRef tlsSecret;
  private JsonObject parameters;

  public String getType() {
    return type;
  }

  public AppBindingSpec type(String type) {
    this.type = type;
    return this;
  }

  public String getVersion() {
    return version;
  }

  public AppBindingSpec version(String version) {
    this.version = version;
    return this;
  }

  public ClientConfig getClientConfig() {
    return clientConfig;
  }

  public AppBindingSpec clientConfig(ClientConfig clientConfig) {
    this.clientConfig = clientConfig;
    return this;
  }

  public NamedRef getSecret() {
    return secret;
  }

  public AppBindingSpec secret(NamedRef secret) {
    this.secret = secret;
    return this;
  }

  public NamedRef getTlsSecret() {
    return tlsSecret;
  }

  public AppBindingSpec tlsSecret(NamedRef tlsSecret) {
    this.tlsSecret = tlsSecret;
    return this;
  }

  public JsonObject getParameters() {
    return parameters;
  }

  public AppBindingSpec parameters(JsonObject parameters) {
    this.parameters = parameters;
    return this;
  }
}
