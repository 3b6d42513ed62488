package dev.keepsake.api;

/** How to reach an application to back up, and where its credentials are. */
public class AppBinding extends Resource<AppBindingSpec, ObservedStatus, AppBinding> {
  public static final String KIND = "AppBinding";
  public static final String PLURAL = "appbindings";

  public AppBinding() {
    super(KIND);
  }
}
