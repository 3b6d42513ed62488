package dev.keepsake.api;

/** The BackupConfiguration a session runs for. */
public class Invoker {
  private String apiGroup;
  private String kind;
  private String name;

  public String getApiGroup() {
    return apiGroup;
  }

  public Invoker apiGroup(String apiGroup) {
    this.apiGroup = apiGroup;
    return this;
  }

  public String getKind() {
    return kind;
  }

  public Invoker kind(String kind) {
    this.kind = kind;
    return this;
  }

  public String getName() {
    return name;
  }

  public Invoker name(String name) {
    this.name = name;
    return this;
  }
}
