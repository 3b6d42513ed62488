package dev.keepsake.api;

/** A reference to an object in the same namespace by name. */
public class NamedRef {
  private String name;

  public String getName() {
    return name;
  }

  public NamedRef name(String name) {
    this.name = name;
    return this;
  }
}
