package dev.keepsake.api;

/** One container step that Tasks are made of. */
public class Function extends Resource<FunctionSpec, ObservedStatus, Function> {
  public static final String KIND = "Function";
  public static final String PLURAL = "functions";

  public Function() {
    super(KIND);
  }
}
