package dev.keepsake.desired;

import dev.keepsake.api.AppBinding;
import dev.keepsake.api.NamedRef;
import dev.keepsake.api.Repository;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EnvFromSource;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1Volume;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The Secrets a pod cannot start without, each with where it is first used. The kubelet reports a
 * missing Secret of an environment variable as CreateContainerConfigError, but a missing Secret
 * volume only as events while the pod waits in ContainerCreating; knowing them before the Job is
 * made lets a session say which Secret is missing instead of waiting for its timeout.
 */
public final class JobSecrets {
  private JobSecrets() {}

  /**
   * What {@link #required} gives, after the Secrets the Repository and the AppBinding name: a Task
   * may mark a Secret optional (a Redis without a password), but one that an object names must
   * exist. Either object may be null.
   */
  public static Map<String, String> needed(
      V1PodSpec pod, Repository repository, AppBinding appBinding) {
    Map<String, String> needed = new LinkedHashMap<>();
    if (appBinding != null && appBinding.getSpec() != null) {
      String of = " of AppBinding " + appBinding.getMetadata().getName();
      named(needed, appBinding.getSpec().getSecret(), "spec.secret" + of);
      named(needed, appBinding.getSpec().getTlsSecret(), "spec.tlsSecret" + of);
    }
    if (repository != null && repository.getSpec() != null) {
      String name =
          repository.getMetadata().getNamespace() == null
              ? repository.getMetadata().getName()
              : repository.getMetadata().getNamespace() + "/" + repository.getMetadata().getName();
      named(needed, repository.getSpec().getSecret(), "spec.secret of Repository " + name);
    }
    required(pod).forEach(needed::putIfAbsent);
    return needed;
  }

  private static void named(Map<String, String> needed, NamedRef ref, String where) {
    if (ref != null && ref.getName() != null && !ref.getName().isBlank()) {
      needed.putIfAbsent(ref.getName(), where);
    }
  }

  /**
   * Secret name → its first non-optional use, such as "env PGPASSWORD of container backup, key
   * password".
   */
  public static Map<String, String> required(V1PodSpec pod) {
    Map<String, String> required = new LinkedHashMap<>();
    for (V1Container container : containers(pod)) {
      String of = " of container " + container.getName();
      for (V1EnvVar env : Objects.requireNonNullElse(container.getEnv(), List.<V1EnvVar>of())) {
        var ref = env.getValueFrom() == null ? null : env.getValueFrom().getSecretKeyRef();
        if (ref != null && ref.getName() != null && !Boolean.TRUE.equals(ref.getOptional())) {
          required.putIfAbsent(
              ref.getName(), "env " + env.getName() + of + ", key " + ref.getKey());
        }
      }
      for (V1EnvFromSource from :
          Objects.requireNonNullElse(container.getEnvFrom(), List.<V1EnvFromSource>of())) {
        var ref = from.getSecretRef();
        if (ref != null && ref.getName() != null && !Boolean.TRUE.equals(ref.getOptional())) {
          required.putIfAbsent(ref.getName(), "envFrom" + of);
        }
      }
    }
    for (V1Volume volume : Objects.requireNonNullElse(pod.getVolumes(), List.<V1Volume>of())) {
      var secret = volume.getSecret();
      if (secret != null
          && secret.getSecretName() != null
          && !Boolean.TRUE.equals(secret.getOptional())) {
        required.putIfAbsent(secret.getSecretName(), "volume " + volume.getName());
      }
    }
    return required;
  }

  private static List<V1Container> containers(V1PodSpec pod) {
    return Stream.of(pod.getInitContainers(), pod.getContainers())
        .filter(Objects::nonNull)
        .flatMap(List::stream)
        .toList();
  }
}
