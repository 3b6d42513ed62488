package dev.keepsake.api;

/** A reference to an object by name, in the referrer's namespace unless one is given. */
public class NamespacedRef {
  private String name;
  private String namespace;

  public String getName() {
    return name;
  }

  public NamespacedRef name(String name) {
    this.name = name;
    return this;
  }

  public String getNamespace() {
    return namespace;
  }

  public NamespacedRef namespace(String namespace) {
    this.namespace = namespace;
    return this;
  }
}
