package dev.keepsake.api;

/** Azure Blob Storage. */
public class AzureBackend {
  private String container;
  private String prefix;
  private Integer maxConnections;

  public String getContainer() {
    return container;
  }

  public AzureBackend container(String container) {
    this.container = container;
    return this;
  }

  public String getPrefix() {
    return prefix;
  }

  public AzureBackend prefix(String prefix) {
    this.prefix = prefix;
    return this;
  }

  public Integer getMaxConnections() {
    return maxConnections;
  }

  public AzureBackend maxConnections(Integer maxConnections) {
    this.maxConnections = maxConnections;
    return this;
  }
}
