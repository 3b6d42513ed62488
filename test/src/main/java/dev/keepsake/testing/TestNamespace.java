package dev.keepsake.testing;

/** The namespace a test runs in; created before the test and deleted after it. */
public record TestNamespace(String name) {
  @Override
  public String toString() {
    return name;
  }
}
