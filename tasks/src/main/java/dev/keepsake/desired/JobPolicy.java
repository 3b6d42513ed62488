package dev.keepsake.desired;

import dev.keepsake.api.LocalBackend;
import dev.keepsake.api.PodSecurity;
import dev.keepsake.api.Repository;
import dev.keepsake.api.RuntimeSettings;
import dev.keepsake.resolve.ResolutionException;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Volume;
import io.kubernetes.client.openapi.models.V1VolumeMount;
import java.nio.file.Path;
import java.util.List;

/**
 * What the installation lets the objects of a namespace put into a Job beyond the safe defaults.
 * Whoever may write a Repository, a Task or a session in a namespace decides what its Jobs' pods
 * do; these limits keep that from reaching the node or another identity.
 *
 * @param hostPathPrefixes node folders under which a Repository's local.hostPath (or a Task's
 *     hostPath volume, which the Task schema refuses anyway) may lie; none by default
 * @param rootAllowed whether runtimeSettings may run a Job as uid 0 or with runAsNonRoot false
 * @param serviceAccounts ServiceAccounts runtimeSettings may name, besides the Jobs' own
 * @param runnerImagePrefixes images whose keepsake command gets the repository's credentials
 * @param priorityClasses priority classes runtimeSettings may name (a high one preempts others'
 *     pods); none by default
 * @param tolerationKeys taint keys runtimeSettings may tolerate (a toleration reaches dedicated
 *     nodes); none by default
 */
public record JobPolicy(
    List<String> hostPathPrefixes,
    boolean rootAllowed,
    List<String> serviceAccounts,
    List<String> runnerImagePrefixes,
    List<String> priorityClasses,
    List<String> tolerationKeys) {

  public JobPolicy(
      List<String> hostPathPrefixes,
      boolean rootAllowed,
      List<String> serviceAccounts,
      List<String> runnerImagePrefixes) {
    this(hostPathPrefixes, rootAllowed, serviceAccounts, runnerImagePrefixes, List.of(), List.of());
  }

  /** Volumes the operator adds: the API token, the repository, the scratch folder, the target. */
  static final String RESERVED_VOLUME_PREFIX = "keepsake-";

  /**
   * Where the runner's step may mount a volume: beside its inputs, or over /tmp; never over its
   * program.
   */
  private static final List<Path> RUNNER_MOUNT_FOLDERS =
      List.of(Path.of("/keepsake"), Path.of("/tmp"));

  private static final List<String> PROGRAM_VARIABLES =
      List.of(
          "PATH",
          "HOME",
          "TMPDIR",
          "CLASSPATH",
          "JAVA_HOME",
          "JAVA_TOOL_OPTIONS",
          "JDK_JAVA_OPTIONS",
          "_JAVA_OPTIONS",
          "HTTP_PROXY",
          "HTTPS_PROXY",
          "NO_PROXY",
          "ALL_PROXY",
          "SSL_CERT_FILE",
          "SSL_CERT_DIR",
          "GODEBUG");

  /**
   * The runner's own, the loader's, and restic's and its backends' (RESTIC_PASSWORD_COMMAND would
   * run a program).
   */
  private static final List<String> PROGRAM_VARIABLE_PREFIXES =
      List.of(
          "KEEPSAKE_",
          "LD_",
          "RESTIC_",
          "AWS_",
          "B2_",
          "AZURE_",
          "GOOGLE_",
          "OS_",
          "ST_",
          "RCLONE_");

  public JobPolicy {
    hostPathPrefixes = List.copyOf(hostPathPrefixes);
    serviceAccounts = List.copyOf(serviceAccounts);
    runnerImagePrefixes = List.copyOf(runnerImagePrefixes);
    priorityClasses = List.copyOf(priorityClasses);
    tolerationKeys = List.copyOf(tolerationKeys);
  }

  /**
   * No node folders, no root, no other ServiceAccount; runner images beside the operator's runner
   * image.
   */
  public static JobPolicy defaults(String runnerImage) {
    return new JobPolicy(List.of(), false, List.of(), List.of(imageFolder(runnerImage)));
  }

  public JobPolicy withHostPathPrefixes(List<String> prefixes) {
    return new JobPolicy(
        prefixes,
        rootAllowed,
        serviceAccounts,
        runnerImagePrefixes,
        priorityClasses,
        tolerationKeys);
  }

  public JobPolicy withScheduling(
      List<String> allowedPriorityClasses, List<String> allowedTolerationKeys) {
    return new JobPolicy(
        hostPathPrefixes,
        rootAllowed,
        serviceAccounts,
        runnerImagePrefixes,
        allowedPriorityClasses,
        allowedTolerationKeys);
  }

  /**
   * "registry/keepsake/runner:1.0" → "registry/keepsake/": the catalog's images live beside the
   * runner's.
   */
  static String imageFolder(String image) {
    String name = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
    int slash = name.lastIndexOf('/');
    if (slash >= 0) {
      return name.substring(0, slash + 1);
    }
    int colon = name.indexOf(':');
    return colon >= 0 ? name.substring(0, colon) : name;
  }

  /**
   * Refuses, with a ResolutionException that names the field, a Repository on a node folder not
   * allowed.
   */
  public void checkRepository(Repository repository) {
    LocalBackend local = repository.getSpec().getBackend().getLocal();
    if (local != null && local.getHostPath() != null) {
      checkHostPath(
          local.getHostPath().getPath(),
          "spec.backend.local.hostPath.path of Repository " + repository.getMetadata().getName());
    }
  }

  void checkTaskVolumes(List<V1Volume> volumes, String taskName) {
    for (V1Volume volume : volumes == null ? List.<V1Volume>of() : volumes) {
      String field = "spec.volumes[" + volume.getName() + "] of Task " + taskName;
      if (volume.getName() != null && volume.getName().startsWith(RESERVED_VOLUME_PREFIX)) {
        throw new ResolutionException(
            "ReservedVolume",
            field
                + ": volume names beginning with "
                + RESERVED_VOLUME_PREFIX
                + " are the operator's own (the API token, the repository, the scratch folder)");
      }
      if (volume.getSecret() != null) {
        checkSecretName(volume.getSecret().getSecretName(), field + ".secret.secretName");
      }
      if (volume.getHostPath() != null) {
        checkHostPath(
            volume.getHostPath().getPath(),
            "spec.volumes[" + volume.getName() + "].hostPath.path of Task " + taskName);
      }
    }
  }

  void checkRuntime(RuntimeSettings runtime, String jobServiceAccount, String field) {
    if (runtime == null) {
      return;
    }
    PodSecurity security = runtime.getSecurityContext();
    if (security != null && !rootAllowed) {
      if (Boolean.FALSE.equals(security.getRunAsNonRoot())) {
        throw new ResolutionException(
            "RootNotAllowed",
            field
                + ".securityContext.runAsNonRoot is false, and this installation"
                + " does not let Jobs run as root (jobPolicy.allowRoot)");
      }
      for (var id :
          List.of(
              new Object[] {"runAsUser", security.getRunAsUser()},
              new Object[] {"runAsGroup", security.getRunAsGroup()},
              new Object[] {"fsGroup", security.getFsGroup()})) {
        if (Long.valueOf(0).equals(id[1])) {
          throw new ResolutionException(
              "RootNotAllowed",
              field
                  + ".securityContext."
                  + id[0]
                  + " is 0 (root), and this"
                  + " installation does not let Jobs run as root (jobPolicy.allowRoot)");
        }
      }
    }
    String priority = runtime.getPriorityClassName();
    if (priority != null && !priorityClasses.contains(priority)) {
      throw new ResolutionException(
          "PriorityClassNotAllowed",
          field
              + ".priorityClassName "
              + priority
              + " is not one this"
              + " installation lets Jobs use ("
              + (priorityClasses.isEmpty() ? "none" : String.join(", ", priorityClasses))
              + "; jobPolicy.priorityClasses)");
    }
    for (var toleration :
        runtime.getTolerations() == null
            ? List.<io.kubernetes.client.openapi.models.V1Toleration>of()
            : runtime.getTolerations()) {
      if (toleration.getKey() == null || !tolerationKeys.contains(toleration.getKey())) {
        throw new ResolutionException(
            "TolerationNotAllowed",
            field
                + ".tolerations: "
                + (toleration.getKey() == null
                    ? "a toleration without a key (it tolerates every taint)"
                    : "key " + toleration.getKey())
                + " is not one this installation lets Jobs tolerate ("
                + (tolerationKeys.isEmpty() ? "none" : String.join(", ", tolerationKeys))
                + "; jobPolicy.tolerationKeys)");
      }
    }
    String account = runtime.getServiceAccountName();
    if (account != null && account.equals(jobServiceAccount)) {
      throw new ResolutionException(
          "ServiceAccountNotAllowed",
          field
              + ".serviceAccountName "
              + account
              + " is the identity of"
              + " the schedules' triggers; leave serviceAccountName out and the session's Job runs as an identity of its own");
    }
    if (account != null && !serviceAccounts.contains(account)) {
      throw new ResolutionException(
          "ServiceAccountNotAllowed",
          field
              + ".serviceAccountName "
              + account
              + " is not one this installation lets Jobs run as ("
              + (serviceAccounts.isEmpty() ? "none" : String.join(", ", serviceAccounts))
              + "; jobPolicy.serviceAccounts); leave it out and the session's Job runs as an identity of its own");
    }
  }

  /**
   * What a Function may put into its container. No step mounts the operator's volumes or reads a
   * shared Repository's copied credentials; the runner's step keeps the runner's own program: no
   * variable that changes which program or library runs, no mount outside /keepsake/ and /tmp/.
   */
  void checkStep(V1Container step, boolean runner, String where) {
    for (V1VolumeMount mount :
        step.getVolumeMounts() == null ? List.<V1VolumeMount>of() : step.getVolumeMounts()) {
      if (mount.getName() != null && mount.getName().startsWith(RESERVED_VOLUME_PREFIX)) {
        throw new ResolutionException(
            "ReservedVolume",
            where
                + " mounts volume "
                + mount.getName()
                + ": volume names beginning"
                + " with "
                + RESERVED_VOLUME_PREFIX
                + " are the operator's own");
      }
      if (runner
          && (mount.getMountPath() == null
              || RUNNER_MOUNT_FOLDERS.stream()
                  .noneMatch(Path.of(mount.getMountPath()).normalize()::startsWith))) {
        throw new ResolutionException(
            "MountNotAllowed",
            where
                + " runs keepsake and mounts "
                + mount.getName()
                + " at "
                + mount.getMountPath()
                + "; the runner's step may mount volumes under /keepsake/ or /tmp/ only");
      }
    }
    for (var variable :
        step.getEnv() == null
            ? List.<io.kubernetes.client.openapi.models.V1EnvVar>of()
            : step.getEnv()) {
      if (variable.getValueFrom() != null && variable.getValueFrom().getSecretKeyRef() != null) {
        checkSecretName(
            variable.getValueFrom().getSecretKeyRef().getName(),
            where + " env " + variable.getName());
      }
      if (runner && programVariable(variable.getName())) {
        throw new ResolutionException(
            "RunnerEnvironmentNotAllowed",
            where
                + " runs keepsake and sets "
                + variable.getName()
                + ", which would change the program the runner's step runs or where restic sends the repository's data");
      }
    }
    for (var from :
        step.getEnvFrom() == null
            ? List.<io.kubernetes.client.openapi.models.V1EnvFromSource>of()
            : step.getEnvFrom()) {
      if (runner) {
        throw new ResolutionException(
            "RunnerEnvironmentNotAllowed",
            where
                + " runs keepsake and takes variables from "
                + (from.getSecretRef() != null
                    ? "Secret " + from.getSecretRef().getName()
                    : "ConfigMap "
                        + (from.getConfigMapRef() == null
                            ? null
                            : from.getConfigMapRef().getName()))
                + " (envFrom); the runner's step gets only variables it names, so none can change what it runs");
      }
      if (from.getSecretRef() != null) {
        checkSecretName(from.getSecretRef().getName(), where + " envFrom");
      }
    }
  }

  private static boolean programVariable(String name) {
    return name != null
        && (PROGRAM_VARIABLE_PREFIXES.stream().anyMatch(name::startsWith)
            || PROGRAM_VARIABLES.contains(name)
            || PROGRAM_VARIABLES.contains(name.toUpperCase(java.util.Locale.ROOT)));
  }

  private static void checkSecretName(String name, String field) {
    if (name != null && name.startsWith(SharedRepositories.COPY_PREFIX)) {
      throw new ResolutionException(
          "SecretNotAllowed",
          field
              + " names Secret "
              + name
              + ", a shared Repository's credentials"
              + " that the operator copies for the runner only");
    }
  }

  /** A step that starts the keepsake command, and so gets the repository's credentials. */
  void checkRunnerImage(V1Container step, String where) {
    if (!isRunnerImage(step.getImage())) {
      throw new ResolutionException(
          "RunnerImageNotAllowed",
          where
              + " runs keepsake from image "
              + step.getImage()
              + "; the repository's credentials go only to images under "
              + String.join(", ", runnerImagePrefixes)
              + " (jobPolicy.runnerImagePrefixes)");
    }
  }

  boolean isRunnerImage(String image) {
    return image != null
        && runnerImagePrefixes.stream().anyMatch(prefix -> underPrefix(image, prefix));
  }

  /**
   * A prefix that ends with / is a folder of images; any other is one image (any tag or digest) or
   * a folder of that name, never a name that merely begins so ("acme" does not admit
   * "acme-evil/x").
   */
  static boolean underPrefix(String image, String prefix) {
    if (prefix.isEmpty()) {
      return false;
    }
    if (prefix.endsWith("/")) {
      return image.startsWith(prefix);
    }
    String name = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
    int colon = name.lastIndexOf(':');
    if (colon > name.lastIndexOf('/')) {
      name = name.substring(0, colon);
    }
    return name.equals(prefix) || image.startsWith(prefix + "/");
  }

  private void checkHostPath(String path, String field) {
    if (path == null || !path.startsWith("/")) {
      throw new ResolutionException(
          "HostPathNotAllowed", field + " is " + path + ": a node folder must be an absolute path");
    }
    Path normalized = Path.of(path).normalize();
    boolean allowed =
        hostPathPrefixes.stream()
            .map(prefix -> Path.of(prefix).normalize())
            .anyMatch(prefix -> normalized.startsWith(prefix));
    if (!allowed) {
      throw new ResolutionException(
          "HostPathNotAllowed",
          field
              + " is "
              + path
              + ", which is not under a node folder this"
              + " installation lets Jobs mount ("
              + (hostPathPrefixes.isEmpty() ? "none" : String.join(", ", hostPathPrefixes))
              + "; jobPolicy.hostPathPrefixes)");
    }
  }
}
