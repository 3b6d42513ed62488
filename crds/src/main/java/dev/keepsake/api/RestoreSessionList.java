package dev.keepsake.api;

/** A list of {@link RestoreSession} objects. */
public class RestoreSessionList extends ResourceList<RestoreSession> {
  public RestoreSessionList() {
    super("RestoreSessionList");
  }
}
