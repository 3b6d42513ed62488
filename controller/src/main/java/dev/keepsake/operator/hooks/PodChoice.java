package dev.keepsake.operator.hooks;

import dev.keepsake.api.AppBinding;
import dev.keepsake.api.TargetRef;

/**
 * Which pods an exec hook without a podSelector runs in: the ones behind the AppBinding's Service,
 * or the ones that mount the PersistentVolumeClaim. {@code why} says what is missing when neither.
 */
public record PodChoice(String serviceName, String claimName, String why) {
  public static PodChoice forTarget(TargetRef ref, AppBinding appBinding) {
    if (ref == null) {
      return new PodChoice(null, null, "the session has no target");
    }
    if ("PersistentVolumeClaim".equals(ref.getKind())) {
      return new PodChoice(null, ref.getName(), null);
    }
    var service =
        appBinding == null || appBinding.getSpec().getClientConfig() == null
            ? null
            : appBinding.getSpec().getClientConfig().getService();
    if (service == null || service.getName() == null) {
      return new PodChoice(
          null,
          null,
          "AppBinding "
              + ref.getName()
              + " names no Service (spec.clientConfig.service) whose pods"
              + " could be the target's");
    }
    return new PodChoice(service.getName(), null, null);
  }
}
