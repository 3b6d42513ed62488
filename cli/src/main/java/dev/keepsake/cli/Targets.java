package dev.keepsake.cli;

import dev.keepsake.api.Target;
import dev.keepsake.api.TargetRef;
import dev.keepsake.desired.SnapshotIdentity;
import java.util.Locale;

/**
 * Targets as users type them: NAME (of the default kind), appbinding/NAME (ksab/NAME) or pvc/CLAIM.
 */
final class Targets {
  static final String APP_BINDING = "AppBinding";
  static final String CLAIM = "PersistentVolumeClaim";

  private Targets() {}

  static TargetRef parse(String text, String option, String defaultKind) {
    String[] parts = text.split("/", 2);
    if (parts.length == 1) {
      return ref(defaultKind, text);
    }
    String kind =
        switch (parts[0].toLowerCase(Locale.ROOT)) {
          case "appbinding", "appbindings", "ksab" -> APP_BINDING;
          case "pvc", "persistentvolumeclaim", "persistentvolumeclaims" -> CLAIM;
          default ->
              throw CliException.usage(
                  option + " " + text + ": the kind must be appbinding (ksab) or pvc");
        };
    if (parts[1].isEmpty()) {
      throw CliException.usage(option + " " + text + ": the name is missing");
    }
    return ref(kind, parts[1]);
  }

  static TargetRef ref(String kind, String name) {
    return new TargetRef()
        .apiGroup(APP_BINDING.equals(kind) ? "keepsake.dev" : "")
        .kind(kind)
        .name(name);
  }

  /** The restic host its snapshots carry, as the operator writes it. */
  static String host(String namespace, TargetRef ref) {
    return SnapshotIdentity.host(namespace, new Target().ref(ref));
  }

  /** appbinding/redis, pvc/uploads */
  static String describe(TargetRef ref) {
    return (CLAIM.equals(ref.getKind()) ? "pvc/" : "appbinding/") + ref.getName();
  }
}
