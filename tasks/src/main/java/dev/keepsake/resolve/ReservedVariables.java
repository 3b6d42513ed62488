package dev.keepsake.resolve;

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

  private ReservedVariables() {}

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
