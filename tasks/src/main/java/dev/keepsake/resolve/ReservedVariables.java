package dev.keepsake.resolve;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The variables the operator sets. A param or an AppBinding parameter of the same name would let
 * whoever writes a Task, a session or an AppBinding choose the runner's image, the Secret a step
 * reads or the retention flags, so such a name is refused instead of laid over the operator's
 * value.
 */
public final class ReservedVariables {
  /**
   * Every name the operator's Job builders set, in any kind of Job; a unit test keeps this
   * complete.
   */
  public static final Set<String> NAMES =
      Set.of(
          "NAMESPACE",
          "BACKUP_SESSION",
          "RESTORE_SESSION",
          "INVOKER_KIND",
          "INVOKER_NAME",
          "RUNNER_IMAGE",
          "PUSHGATEWAY_URL",
          "SNAPSHOT",
          "SNAPSHOT_HOST",
          "SNAPSHOT_TAGS",
          "RETENTION_FLAGS",
          "RESTORE_TARGET",
          "REPOSITORY_NAME",
          "REPOSITORY_NAMESPACE",
          "REPOSITORY_SECRET",
          "REPOSITORY_URL",
          "TARGET_KIND",
          "TARGET_NAME",
          "TARGET_TYPE",
          "TARGET_VERSION",
          "TARGET_SECRET",
          "TARGET_TLS_SECRET",
          "TARGET_HOST",
          "TARGET_PORT",
          "TARGET_SCHEME",
          "TARGET_URL",
          "TARGET_PATHS",
          "TARGET_SUBPATH",
          "PATH_FLAGS",
          "RELATIVE_PATH_FLAGS",
          "INCLUDE_FLAGS",
          "EXCLUDE_FLAGS");

  private static final String WITH_ADDRESS =
      "the target is an AppBinding whose spec.clientConfig names a service, or a url with a host"
          + " name of letters, digits, - and . only";

  /**
   * When the operator sets the names that some Jobs lack, for a message that tells the user which
   * input to change rather than to define a name that would then be refused as reserved.
   */
  private static final Map<String, String> SET_WHEN =
      Map.ofEntries(
          Map.entry("TARGET_TYPE", "the target is an AppBinding"),
          Map.entry("TARGET_VERSION", "the target is an AppBinding with spec.version"),
          Map.entry("TARGET_SECRET", "the target is an AppBinding with spec.secret"),
          Map.entry("TARGET_TLS_SECRET", "the target is an AppBinding with spec.tlsSecret"),
          Map.entry("TARGET_HOST", WITH_ADDRESS),
          Map.entry("TARGET_SCHEME", WITH_ADDRESS + " and a scheme"),
          Map.entry(
              "TARGET_PORT",
              "the target is an AppBinding whose spec.clientConfig names a service with a port,"
                  + " or a url with a port"),
          Map.entry("TARGET_URL", "the target is an AppBinding whose spec.clientConfig has a url"),
          Map.entry("PUSHGATEWAY_URL", "the operator is given a Pushgateway (pushgateway.url)"),
          Map.entry("BACKUP_SESSION", "a backup runs"),
          Map.entry("RETENTION_FLAGS", "a backup runs"),
          Map.entry("RESTORE_SESSION", "a restore runs"),
          Map.entry("RESTORE_TARGET", "a restore runs"),
          Map.entry("TARGET_SUBPATH", "a restore runs"),
          Map.entry("SNAPSHOT", "a restore runs"),
          Map.entry("SNAPSHOT_HOST", "a restore runs"),
          Map.entry("SNAPSHOT_TAGS", "a restore runs"));

  private ReservedVariables() {}

  /** When the operator sets this reserved name, for a name that some Jobs lack. */
  public static Optional<String> setWhen(String name) {
    return Optional.ofNullable(SET_WHEN.get(name));
  }

  public static boolean isReserved(String name) {
    return NAMES.contains(name) || name.startsWith("KEEPSAKE_");
  }

  /**
   * Refuses a user-written name that the operator sets; {@code field} says where the user wrote it.
   */
  public static void refuseIfReserved(String name, String field) {
    if (name != null && isReserved(name)) {
      throw new ResolutionException(
          "ReservedVariable",
          field
              + " names ${"
              + name
              + "}, which the operator sets itself"
              + " (reserved: "
              + String.join(", ", NAMES.stream().sorted().toList())
              + " and KEEPSAKE_*); choose another name");
    }
  }
}
