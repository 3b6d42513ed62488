package dev.keepsake.api;

/** A list of {@link AppBinding} objects. */
public class AppBindingList extends ResourceList<AppBinding> {
  public AppBindingList() {
    super("AppBindingList");
  }
}
