package dev.keepsake.desired;

import dev.keepsake.api.LocalBackend;
import dev.keepsake.api.PodSecurity;
import dev.keepsake.api.Repository;
import dev.keepsake.api.RuntimeSettings;
import dev.keepsake.resolve.ResolutionException;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Volume;
import java.nio.file.Path;
import java.util.List;

/**
 * What the installation lets the objects of a namespace put into a Job beyond the safe defaults.
 * Whoever may write a Repository, a Task or a session in a namespace decides what its Jobs' pods do;
 * these limits keep that from reaching the node or another identity.
 *
 * @param hostPathPrefixes node folders under which a Repository's local.hostPath or a Task's hostPath
 *     volume may lie; none by default
 * @param rootAllowed whether runtimeSettings may run a Job as uid 0 or with runAsNonRoot false
 * @param serviceAccounts ServiceAccounts runtimeSettings may name, besides the Jobs' own
 * @param runnerImagePrefixes images whose keepsake command gets the repository's credentials
 */
public record JobPolicy(List<String> hostPathPrefixes, boolean rootAllowed, List<String> serviceAccounts,
    List<String> runnerImagePrefixes) {

  public JobPolicy {
    hostPathPrefixes = List.copyOf(hostPathPrefixes);
    serviceAccounts = List.copyOf(serviceAccounts);
    runnerImagePrefixes = List.copyOf(runnerImagePrefixes);
  }

  /** No node folders, no root, no other ServiceAccount; runner images beside the operator's runner image. */
  public static JobPolicy defaults(String runnerImage) {
    return new JobPolicy(List.of(), false, List.of(), List.of(imageFolder(runnerImage)));
  }

  public JobPolicy withHostPathPrefixes(List<String> prefixes) {
    return new JobPolicy(prefixes, rootAllowed, serviceAccounts, runnerImagePrefixes);
  }

  /** "registry/keepsake/runner:1.0" → "registry/keepsake/": the catalog's images live beside the runner's. */
  static String imageFolder(String image) {
    String name = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
    int slash = name.lastIndexOf('/');
    if (slash >= 0) {
      return name.substring(0, slash + 1);
    }
    int colon = name.indexOf(':');
    return colon >= 0 ? name.substring(0, colon) : name;
  }

  /** Refuses, with a ResolutionException that names the field, a Repository on a node folder not allowed. */
  public void checkRepository(Repository repository) {
    LocalBackend local = repository.getSpec().getBackend().getLocal();
    if (local != null && local.getHostPath() != null) {
      checkHostPath(local.getHostPath().getPath(), "spec.backend.local.hostPath.path of Repository "
          + repository.getMetadata().getName());
    }
  }

  void checkTaskVolumes(List<V1Volume> volumes, String taskName) {
    for (V1Volume volume : volumes == null ? List.<V1Volume>of() : volumes) {
      if (volume.getHostPath() != null) {
        checkHostPath(volume.getHostPath().getPath(), "spec.volumes[" + volume.getName() + "].hostPath.path of Task " + taskName);
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
        throw new ResolutionException("RootNotAllowed", field + ".securityContext.runAsNonRoot is false, and this installation"
            + " does not let Jobs run as root (jobPolicy.allowRoot)");
      }
      for (var id : List.of(new Object[] {"runAsUser", security.getRunAsUser()}, new Object[] {"runAsGroup", security.getRunAsGroup()})) {
        if (Long.valueOf(0).equals(id[1])) {
          throw new ResolutionException("RootNotAllowed", field + ".securityContext." + id[0] + " is 0 (root), and this"
              + " installation does not let Jobs run as root (jobPolicy.allowRoot)");
        }
      }
    }
    String account = runtime.getServiceAccountName();
    if (account != null && !account.equals(jobServiceAccount) && !serviceAccounts.contains(account)) {
      throw new ResolutionException("ServiceAccountNotAllowed", field + ".serviceAccountName " + account
          + " is not one this installation lets Jobs run as: " + allowedAccounts(jobServiceAccount)
          + " (jobPolicy.serviceAccounts)");
    }
  }

  /** A step that starts the keepsake command, and so gets the repository's credentials. */
  void checkRunnerImage(V1Container step, String where) {
    if (runnerImagePrefixes.stream().noneMatch(prefix -> step.getImage() != null && step.getImage().startsWith(prefix))) {
      throw new ResolutionException("RunnerImageNotAllowed", where + " runs keepsake from image " + step.getImage()
          + "; the repository's credentials go only to images under " + String.join(", ", runnerImagePrefixes)
          + " (jobPolicy.runnerImagePrefixes)");
    }
  }

  boolean isRunnerImage(String image) {
    return image != null && runnerImagePrefixes.stream().anyMatch(image::startsWith);
  }

  private void checkHostPath(String path, String field) {
    if (path == null || !path.startsWith("/")) {
      throw new ResolutionException("HostPathNotAllowed", field + " is " + path + ": a node folder must be an absolute path");
    }
    Path normalized = Path.of(path).normalize();
    boolean allowed = hostPathPrefixes.stream().map(prefix -> Path.of(prefix).normalize())
        .anyMatch(prefix -> normalized.startsWith(prefix));
    if (!allowed) {
      throw new ResolutionException("HostPathNotAllowed", field + " is " + path + ", which is not under a node folder this"
          + " installation lets Jobs mount (" + (hostPathPrefixes.isEmpty() ? "none" : String.join(", ", hostPathPrefixes))
          + "; jobPolicy.hostPathPrefixes)");
    }
  }

  private String allowedAccounts(String jobServiceAccount) {
    return String.join(", ", java.util.stream.Stream.concat(java.util.stream.Stream.of(jobServiceAccount), serviceAccounts.stream())
        .toList());
  }
}
