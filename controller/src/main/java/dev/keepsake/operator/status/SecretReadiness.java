package dev.keepsake.operator.status;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.Map;

/**
 * Whether the Secrets a session's pod needs exist. A Secret applied together with the session may
 * arrive a moment later, so a young session waits a little; after that a missing Secret fails the
 * session with its name and use, rather than leaving a pod that cannot start until the timeout.
 */
public final class SecretReadiness {
  /** How long a new session waits for a Secret it needs. */
  public static final Duration PATIENCE = Duration.ofSeconds(20);

  static final Duration RECHECK = Duration.ofSeconds(5);

  private SecretReadiness() {}

  /**
   * @param required Secret name → what names it or where the pod uses it ({@code
   *     JobSecrets.needed})
   * @param missing the names of {@code required} that do not exist
   * @return null when none is missing
   */
  public static Readiness assess(
      Map<String, String> required,
      Collection<String> missing,
      String namespace,
      OffsetDateTime created,
      Instant now) {
    String name = required.keySet().stream().filter(missing::contains).findFirst().orElse(null);
    if (name == null) {
      return null;
    }
    String message =
        "Secret "
            + name
            + " does not exist in namespace "
            + namespace
            + " ("
            + required.get(name)
            + ")"
            + (missing.size() > 1
                ? " ("
                    + (missing.size() - 1)
                    + " more missing: "
                    + String.join(
                        ", ", missing.stream().filter(m -> !m.equals(name)).sorted().toList())
                    + ")"
                : "");
    boolean young =
        created != null && Duration.between(created.toInstant(), now).compareTo(PATIENCE) < 0;
    return young
        ? new Readiness(false, "SecretNotFound", message, RECHECK)
        : Readiness.invalid("SecretNotFound", message + "; no Job was started");
  }
}
