package dev.keepsake.api;

import io.kubernetes.client.openapi.models.V1LabelSelector;

/** Namespaces admitted by a Repository's usage policy. */
public class AllowedNamespaces {
  private String from;
  private V1LabelSelector selector;

  public String getFrom() {
    return from;
  }

  public AllowedNamespaces from(String from) {
    this.from = from;
    return this;
  }

  public V1LabelSelector getSelector() {
    return selector;
  }

  public AllowedNamespaces selector(V1LabelSelector selector) {
    this.selector = selector;
    return this;
  }
}
