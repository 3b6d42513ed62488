package dev.keepsake.api;

/** Which namespaces may use a Repository. */
public class UsagePolicy {
  private AllowedNamespaces allowedNamespaces;

  public AllowedNamespaces getAllowedNamespaces() {
    return allowedNamespaces;
  }

  public UsagePolicy allowedNamespaces(AllowedNamespaces allowedNamespaces) {
    this.allowedNamespaces = allowedNamespaces;
    return this;
  }
}
