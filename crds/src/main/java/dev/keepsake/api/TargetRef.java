package dev.keepsake.api;

/** What a backup or restore acts on: an AppBinding (a database) or a PersistentVolumeClaim. */
public class TargetRef {
  private String apiGroup;
  private String kind;
  private String name;

  public String getApiGroup() {
    return apiGroup;
  }

  public TargetRef apiGroup(String apiGroup) {
    this.apiGroup = apiGroup;
    return this;
  }

  public String getKind() {
    return kind;
  }

  public TargetRef kind(String kind) {
    this.kind = kind;
    return this;
  }

  public String getName() {
    return name;
  }

  public TargetRef name(String name) {
    this.name = name;
    return this;
  }
}
