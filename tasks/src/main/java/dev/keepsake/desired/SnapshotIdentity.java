package dev.keepsake.desired;

import dev.keepsake.api.Target;
import java.util.List;

/**
 * How a target's snapshots are told apart in a shared repository: restic's host names the target, a
 * tag names the configuration. `latest` for a target means the newest snapshot of its host.
 */
public final class SnapshotIdentity {
  private SnapshotIdentity() {}

  public static String host(String namespace, Target target) {
    String kind = "PersistentVolumeClaim".equals(target.getRef().getKind()) ? "pvc/" : "";
    return namespace + "/" + kind + target.getRef().getName();
  }

  public static List<String> tags(String configuration) {
    return List.of("keepsake.dev/configuration=" + configuration);
  }
}
