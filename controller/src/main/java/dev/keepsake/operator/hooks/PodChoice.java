package dev.keepsake.operator.hooks;

import dev.keepsake.api.AppBinding;
import dev.keepsake.api.TargetRef;

/**
 * Which pods an exec hook without a podSelector runs in: the ones behind the AppBinding's Service,
 * or the ones that mount the PersistentVolumeClaim. {@code why} says what is missing when neither.
 */
public record PodChoice(String serviceName, String claimName, String why) {
  /**
   * The pods a hook runs in when it names none: those of the target in the session's {@code
   * namespace}, never another namespace's (a session there would otherwise run commands in pods its
   * own namespace has no say over).
   */
  public static PodChoice forTarget(String namespace, TargetRef ref, AppBinding appBinding) {
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
    if (service.getNamespace() != null && !service.getNamespace().equals(namespace)) {
      return new PodChoice(
          null,
          null,
          "the Service of AppBinding "
              + ref.getName()
              + " is in namespace "
              + service.getNamespace()
              + ", and hooks run only in pods of the session's namespace "
              + namespace);
    }
    return new PodChoice(service.getName(), null, null);
  }
}
