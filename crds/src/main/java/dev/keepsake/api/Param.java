package dev.keepsake.api;

/** A named value handed to a Task's variables. */
public class Param {
  private String name;
  private String value;

  public String getName() {
    return name;
  }

  public Param name(String name) {
    this.name = name;
    return this;
  }

  public String getValue() {
    return value;
  }

  public Param value(String value) {
    this.value = value;
    return this;
  }
}
