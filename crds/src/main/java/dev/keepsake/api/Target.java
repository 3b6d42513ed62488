package dev.keepsake.api;

import java.util.List;

/** What is backed up: the reference, and for volumes which paths. */
public class Target {
  private TargetRef ref;
  private List<String> paths;
  private List<String> include;
  private List<String> exclude;

  public TargetRef getRef() {
    return ref;
  }

  public Target ref(TargetRef ref) {
    this.ref = ref;
    return this;
  }

  public List<String> getPaths() {
    return paths;
  }

  public Target paths(List<String> paths) {
    this.paths = paths;
    return this;
  }

  public List<String> getInclude() {
    return include;
  }

  public Target include(List<String> include) {
    this.include = include;
    return this;
  }

  public List<String> getExclude() {
    return exclude;
  }

  public Target exclude(List<String> exclude) {
    this.exclude = exclude;
    return this;
  }
}
