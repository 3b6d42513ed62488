package dev.keepsake.desired;

import dev.keepsake.api.Durations;
import dev.keepsake.api.LocalBackend;
import dev.keepsake.api.Manifests;
import dev.keepsake.api.PodSecurity;
import dev.keepsake.api.Repository;
import dev.keepsake.api.RuntimeSettings;
import dev.keepsake.api.Target;
import dev.keepsake.resolve.ResolutionException;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1Capabilities;
import io.kubernetes.client.openapi.models.V1ConfigMapProjection;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1DownwardAPIProjection;
import io.kubernetes.client.openapi.models.V1DownwardAPIVolumeFile;
import io.kubernetes.client.openapi.models.V1EmptyDirVolumeSource;
import io.kubernetes.client.openapi.models.V1EnvFromSource;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1JobSpec;
import io.kubernetes.client.openapi.models.V1KeyToPath;
import io.kubernetes.client.openapi.models.V1ObjectFieldSelector;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1OwnerReference;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaimVolumeSource;
import io.kubernetes.client.openapi.models.V1PodSecurityContext;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import io.kubernetes.client.openapi.models.V1ProjectedVolumeSource;
import io.kubernetes.client.openapi.models.V1ResourceRequirements;
import io.kubernetes.client.openapi.models.V1SeccompProfile;
import io.kubernetes.client.openapi.models.V1SecretEnvSource;
import io.kubernetes.client.openapi.models.V1SecurityContext;
import io.kubernetes.client.openapi.models.V1ServiceAccountTokenProjection;
import io.kubernetes.client.openapi.models.V1Volume;
import io.kubernetes.client.openapi.models.V1VolumeMount;
import io.kubernetes.client.openapi.models.V1VolumeProjection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every backup or restore Job has, whatever its Task: steps as init containers then the main
 * container, shared scratch space, the repository's volume and the target's, the runner's
 * environment, a non-root read-only default, no retry (a retried pod would make another snapshot).
 */
final class SessionJob {
  static final String SCRATCH_VOLUME = "keepsake-scratch";
  static final String SCRATCH_PATH = "/keepsake/scratch";
  static final String REPOSITORY_VOLUME = "keepsake-repository";
  static final String TARGET_VOLUME = "keepsake-target";
  static final String TOKEN_VOLUME = "keepsake-api-token";

  /** Where in-cluster clients look for the ServiceAccount's token, CA and namespace. */
  static final String TOKEN_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";

  private static final long NON_ROOT_USER = 65532L;
  private static final long TOKEN_LIFETIME_SECONDS = 3607L;

  /** The parts a backup or restore gives to the common shape. */
  record Parts(
      String name,
      String namespace,
      Map<String, String> labels,
      V1OwnerReference owner,
      List<V1Container> steps,
      List<V1Volume> taskVolumes,
      Repository repository,
      Target target, // null for a Job that works on the repository alone
      boolean targetReadOnly,
      RuntimeSettings runtime,
      String timeout,
      List<V1EnvVar> runnerEnvironment,
      String serviceAccount, // the pod's identity unless runtime settings name one
      OperatorSettings settings) {}

  private SessionJob() {}

  static V1Job build(Parts parts) {
    Map<String, String> labels = usingRepository(parts);
    JobPolicy policy = parts.settings().jobPolicy();
    policy.checkRepository(parts.repository());
    policy.checkRuntime(
        parts.runtime(), parts.settings().jobServiceAccount(), "spec.runtimeSettings");
    List<V1Volume> volumes =
        new ArrayList<>(parts.taskVolumes() == null ? List.of() : parts.taskVolumes());
    volumes.add(new V1Volume().name(SCRATCH_VOLUME).emptyDir(new V1EmptyDirVolumeSource()));
    LocalBackend local = parts.repository().getSpec().getBackend().getLocal();
    if (local != null) {
      volumes.add(
          new V1Volume()
              .name(REPOSITORY_VOLUME)
              .persistentVolumeClaim(local.getPersistentVolumeClaim())
              .hostPath(local.getHostPath())
              .nfs(local.getNfs()));
    }
    boolean volumeTarget =
        parts.target() != null && "PersistentVolumeClaim".equals(parts.target().getRef().getKind());
    if (volumeTarget) {
      volumes.add(
          new V1Volume()
              .name(TARGET_VOLUME)
              .persistentVolumeClaim(
                  new V1PersistentVolumeClaimVolumeSource()
                      .claimName(parts.target().getRef().getName())
                      .readOnly(parts.targetReadOnly())));
    }
    List<V1Container> containers = new ArrayList<>();
    for (int i = 0; i < parts.steps().size(); i++) {
      V1Container step = parts.steps().get(i);
      String where = "step " + (i + 1) + " (" + step.getName() + ")";
      if (isRunner(step)) {
        policy.checkRunnerImage(step, where);
      }
      policy.checkStep(step, isRunner(step), where);
      containers.add(complete(step, parts, local, volumeTarget, secretVolumes(volumes)));
    }
    if (containers.stream().anyMatch(SessionJob::isRunner)) {
      volumes.add(serviceAccountTokenVolume());
    }
    if (parts.target() != null) {
      checkMounts(containers, volumes);
    }
    RuntimeSettings runtime = parts.runtime() == null ? new RuntimeSettings() : parts.runtime();
    V1PodSpec pod =
        new V1PodSpec()
            .restartPolicy("Never")
            // Only the runner talks to the API server; it alone mounts the token (see
            // serviceAccountTokenVolume).
            .automountServiceAccountToken(false)
            .serviceAccountName(
                runtime.getServiceAccountName() != null
                    ? runtime.getServiceAccountName()
                    : parts.serviceAccount())
            .securityContext(podSecurity(runtime.getSecurityContext()))
            .nodeSelector(runtime.getNodeSelector())
            .tolerations(runtime.getTolerations())
            .priorityClassName(runtime.getPriorityClassName())
            .initContainers(new ArrayList<>(containers.subList(0, containers.size() - 1)))
            .containers(new ArrayList<>(List.of(containers.get(containers.size() - 1))))
            .volumes(volumes);
    V1JobSpec job =
        new V1JobSpec()
            .backoffLimit(0)
            .ttlSecondsAfterFinished(parts.settings().jobTtlSeconds())
            .template(
                new V1PodTemplateSpec().metadata(new V1ObjectMeta().labels(labels)).spec(pod));
    if (parts.timeout() != null) {
      job.activeDeadlineSeconds(Durations.parse(parts.timeout()).getSeconds());
    } else if (parts.target() != null) {
      job.activeDeadlineSeconds(JobDeadlines.WHEN_TIMEOUT_UNSET.getSeconds());
    }
    return new V1Job()
        .apiVersion("batch/v1")
        .kind("Job")
        .metadata(
            new V1ObjectMeta()
                .name(parts.name())
                .namespace(parts.namespace())
                .labels(labels)
                .ownerReferences(List.of(parts.owner())))
        .spec(job);
  }

  /**
   * What the API server would refuse only when a session makes the Job: a mount of a volume the
   * Task does not declare, two mounts at one path. Found here, the configuration says so before any
   * session runs.
   */
  private static void checkMounts(List<V1Container> containers, List<V1Volume> volumes) {
    java.util.Set<String> declared =
        volumes.stream().map(V1Volume::getName).collect(java.util.stream.Collectors.toSet());
    for (int i = 0; i < containers.size(); i++) {
      V1Container container = containers.get(i);
      String where = "step " + (i + 1) + " (" + container.getName() + ")";
      Map<String, String> byPath = new java.util.HashMap<>();
      for (V1VolumeMount mount :
          container.getVolumeMounts() == null
              ? List.<V1VolumeMount>of()
              : container.getVolumeMounts()) {
        if (!declared.contains(mount.getName())) {
          throw new ResolutionException(
              "UnknownVolume",
              where
                  + " mounts volume "
                  + mount.getName()
                  + " (its Function's spec.volumeMounts), which its Task does not declare in"
                  + " spec.volumes");
        }
        String path = normalized(mount.getMountPath());
        String earlier = byPath.putIfAbsent(path, mount.getName());
        if (earlier != null) {
          throw new ResolutionException(
              "MountPathTaken",
              where
                  + " mounts both "
                  + earlier
                  + " and "
                  + mount.getName()
                  + " at "
                  + path
                  + "; choose another path in "
                  + whereChosen(earlier, mount.getName()));
        }
      }
    }
  }

  /** "/data/./x//" as "/data/x": the same folder, without reading a path the schema let through. */
  static String normalized(String mountPath) {
    String joined =
        String.join(
            "/",
            java.util.Arrays.stream(mountPath.split("/"))
                .filter(part -> !part.isEmpty() && !part.equals("."))
                .toList());
    return "/" + joined;
  }

  /** Where the user chose the paths of two mounts that collide. */
  private static String whereChosen(String oneVolume, String otherVolume) {
    boolean repository =
        oneVolume.equals(REPOSITORY_VOLUME) || otherVolume.equals(REPOSITORY_VOLUME);
    boolean function = !oneVolume.startsWith("keepsake-") || !otherVolume.startsWith("keepsake-");
    if (repository && function) {
      return "the Function's spec.volumeMounts or the Repository's spec.backend.local.mountPath";
    }
    return repository
        ? "the Repository's spec.backend.local.mountPath"
        : "the Function's spec.volumeMounts";
  }

  /** The Job's own labels and those that name the repository its runner opens. */
  private static Map<String, String> usingRepository(Parts parts) {
    Map<String, String> labels = new LinkedHashMap<>(parts.labels());
    String repositoryNamespace = parts.repository().getMetadata().getNamespace();
    labels.put(Labels.USES_REPOSITORY, Labels.value(parts.repository().getMetadata().getName()));
    labels.put(
        Labels.USES_REPOSITORY_NAMESPACE,
        repositoryNamespace != null ? repositoryNamespace : parts.namespace());
    return labels;
  }

  private static java.util.Set<String> secretVolumes(List<V1Volume> volumes) {
    return volumes.stream()
        .filter(
            v ->
                v.getSecret() != null
                    || (v.getProjected() != null
                        && v.getProjected().getSources() != null
                        && v.getProjected().getSources().stream()
                            .anyMatch(source -> source.getSecret() != null)))
        .map(V1Volume::getName)
        .collect(java.util.stream.Collectors.toSet());
  }

  /**
   * Tells the runner which of its inputs are credentials, by name and path only, so that it masks
   * their values wherever it writes: environment variables from Secrets and Secret volumes'
   * folders.
   */
  private static void addSecretNames(
      List<V1EnvVar> env, List<V1VolumeMount> mounts, java.util.Set<String> secretVolumes) {
    List<String> names =
        env.stream()
            .filter(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
            .map(V1EnvVar::getName)
            .toList();
    List<String> folders =
        mounts.stream()
            .filter(m -> secretVolumes.contains(m.getName()))
            .map(V1VolumeMount::getMountPath)
            .toList();
    if (!names.isEmpty()) {
      env.add(env("KEEPSAKE_SECRET_ENV", String.join(",", names)));
    }
    if (!folders.isEmpty()) {
      env.add(env("KEEPSAKE_SECRET_FILES", String.join(",", folders)));
    }
  }

  private static V1Container complete(
      V1Container step,
      Parts parts,
      LocalBackend local,
      boolean volumeTarget,
      java.util.Set<String> secretVolumes) {
    List<V1VolumeMount> mounts =
        new ArrayList<>(step.getVolumeMounts() == null ? List.of() : step.getVolumeMounts());
    mounts.add(new V1VolumeMount().name(SCRATCH_VOLUME).mountPath(SCRATCH_PATH));
    if (volumeTarget) {
      mounts.add(
          new V1VolumeMount()
              .name(TARGET_VOLUME)
              .mountPath(TargetVariables.TARGET_MOUNT)
              .readOnly(parts.targetReadOnly()));
    }
    List<V1EnvVar> env = new ArrayList<>(step.getEnv() == null ? List.of() : step.getEnv());
    boolean runner = isRunner(step);
    if (runner) {
      if (local != null) {
        mounts.add(new V1VolumeMount().name(REPOSITORY_VOLUME).mountPath(local.getMountPath()));
      }
      mounts.add(new V1VolumeMount().name(TOKEN_VOLUME).mountPath(TOKEN_PATH).readOnly(true));
      env.addAll(parts.runnerEnvironment());
      addSecretNames(env, mounts, secretVolumes);
      if (SharedRepositories.shared(parts.repository(), parts.namespace())) {
        env.add(
            env(
                SharedRepositories.HOST_PREFIX_ENV,
                SharedRepositories.hostPrefix(parts.namespace())));
      }
      // The repository's credentials reach only the runner, and only by reference.
      step.envFrom(
          List.of(
              new V1EnvFromSource()
                  .secretRef(
                      new V1SecretEnvSource()
                          .name(
                              SharedRepositories.jobSecret(
                                  parts.repository(), parts.namespace())))));
    }
    env.add(new V1EnvVar().name("HOME").value(SCRATCH_PATH));
    env.add(new V1EnvVar().name("TMPDIR").value(SCRATCH_PATH));
    step.env(env)
        .volumeMounts(mounts)
        .terminationMessagePolicy("FallbackToLogsOnError")
        .securityContext(
            new V1SecurityContext()
                .readOnlyRootFilesystem(true)
                .allowPrivilegeEscalation(false)
                .capabilities(new V1Capabilities().drop(List.of("ALL"))));
    if (step.getResources() == null
        && parts.runtime() != null
        && parts.runtime().getResources() != null) {
      step.resources(
          new V1ResourceRequirements()
              .limits(copy(parts.runtime().getResources().getLimits()))
              .requests(copy(parts.runtime().getResources().getRequests())));
    }
    return step;
  }

  /** The runner's own containers are the ones that start the keepsake command. */
  /**
   * The runner's step: its command is the image's own keepsake (found on the image's PATH, which no
   * step may change). A path to a keepsake elsewhere, or arguments to an entrypoint, is another
   * step.
   */
  static boolean isRunner(V1Container container) {
    return container.getCommand() != null
        && !container.getCommand().isEmpty()
        && container.getCommand().get(0).equals("keepsake");
  }

  /** What automounting would give every container, for the runner's containers alone. */
  private static V1Volume serviceAccountTokenVolume() {
    return new V1Volume()
        .name(TOKEN_VOLUME)
        .projected(
            new V1ProjectedVolumeSource()
                .sources(
                    List.of(
                        new V1VolumeProjection()
                            .serviceAccountToken(
                                new V1ServiceAccountTokenProjection()
                                    .path("token")
                                    .expirationSeconds(TOKEN_LIFETIME_SECONDS)),
                        new V1VolumeProjection()
                            .configMap(
                                new V1ConfigMapProjection()
                                    .name("kube-root-ca.crt")
                                    .items(
                                        List.of(new V1KeyToPath().key("ca.crt").path("ca.crt")))),
                        new V1VolumeProjection()
                            .downwardAPI(
                                new V1DownwardAPIProjection()
                                    .items(
                                        List.of(
                                            new V1DownwardAPIVolumeFile()
                                                .path("namespace")
                                                .fieldRef(
                                                    new V1ObjectFieldSelector()
                                                        .apiVersion("v1")
                                                        .fieldPath("metadata.namespace"))))))));
  }

  private static V1PodSecurityContext podSecurity(PodSecurity settings) {
    PodSecurity wanted = settings == null ? new PodSecurity() : settings;
    return new V1PodSecurityContext()
        .runAsNonRoot(wanted.getRunAsNonRoot() == null || wanted.getRunAsNonRoot())
        .runAsUser(wanted.getRunAsUser() != null ? wanted.getRunAsUser() : NON_ROOT_USER)
        .runAsGroup(wanted.getRunAsGroup() != null ? wanted.getRunAsGroup() : NON_ROOT_USER)
        .fsGroup(wanted.getFsGroup() != null ? wanted.getFsGroup() : NON_ROOT_USER)
        .seccompProfile(new V1SeccompProfile().type("RuntimeDefault"));
  }

  static V1OwnerReference ownedBy(dev.keepsake.api.Resource<?, ?, ?> owner) {
    return new V1OwnerReference()
        .apiVersion(owner.getApiVersion())
        .kind(owner.getKind())
        .name(owner.getMetadata().getName())
        .uid(owner.getMetadata().getUid())
        .controller(true)
        .blockOwnerDeletion(true);
  }

  /** The runner's settings that only some Jobs have: a Pushgateway, a timeout. */
  static void addOptionalEnvironment(
      List<V1EnvVar> environment, OperatorSettings settings, String timeout) {
    if (settings.pushgatewayUrl() != null) {
      environment.add(env("KEEPSAKE_PUSHGATEWAY_URL", settings.pushgatewayUrl()));
    }
    if (timeout != null) {
      environment.add(env("KEEPSAKE_TIMEOUT", timeout));
    }
  }

  /**
   * A value the operator sets: the kubelet must not expand a $(NAME) in it (a Repository's prefix,
   * say).
   */
  static V1EnvVar env(String name, String value) {
    return new V1EnvVar().name(name).value(value == null ? null : value.replace("$", "$$"));
  }

  static String repositoryJson(Repository repository) {
    return Manifests.toJson(repository.getSpec()).toString();
  }

  private static Map<String, Quantity> copy(Map<String, Quantity> quantities) {
    return quantities == null ? null : new LinkedHashMap<>(quantities);
  }
}
