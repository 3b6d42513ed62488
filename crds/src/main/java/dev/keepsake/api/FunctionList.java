package dev.keepsake.api;

/** A list of {@link Function} objects. */
public class FunctionList extends ResourceList<Function> {
  public FunctionList() {
    super("FunctionList");
  }
}
