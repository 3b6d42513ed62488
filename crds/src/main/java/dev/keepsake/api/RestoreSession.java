package dev.keepsake.api;

/** One restore of a snapshot into a target. */
public class RestoreSession
    extends Resource<RestoreSessionSpec, RestoreSessionStatus, RestoreSession> {
  public static final String KIND = "RestoreSession";
  public static final String PLURAL = "restoresessions";

  public RestoreSession() {
    super(KIND);
  }
}
