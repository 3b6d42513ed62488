package dev.keepsake.api;

import java.util.List;

/** The Task that does the work, with parameters that fill its variables. */
public class TaskRef {
  private String name;
  private List<Param> params;

  public String getName() {
    return name;
  }

  public TaskRef name(String name) {
    this.name = name;
    return this;
  }

  public List<Param> getParams() {
    return params;
  }

  public TaskRef params(List<Param> params) {
    this.params = params;
    return this;
  }
}
