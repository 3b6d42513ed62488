package dev.keepsake.api;

import java.util.List;

/** One step of a Task: a Function and the parameters it gets. */
public class TaskStep {
  private String name;
  private List<Param> params;

  public String getName() {
    return name;
  }

  public TaskStep name(String name) {
    this.name = name;
    return this;
  }

  public List<Param> getParams() {
    return params;
  }

  public TaskStep params(List<Param> params) {
    this.params = params;
    return this;
  }
}
