package dev.keepsake.desired;

import dev.keepsake.api.AppBinding;
import dev.keepsake.api.Function;
import dev.keepsake.api.Repository;
import dev.keepsake.api.RestoreSession;
import dev.keepsake.api.RestoreSessionSpec;
import dev.keepsake.api.Task;
import dev.keepsake.resolve.TaskResolver;
import dev.keepsake.resolve.Variables;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1Job;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The Job that runs one RestoreSession. */
public final class RestoreJobs {
  public record Inputs(
      RestoreSession session,
      Repository repository,
      AppBinding appBinding,
      Task task,
      Map<String, Function> functions,
      OperatorSettings settings) {}

  private RestoreJobs() {}

  /** The Job, with no word for its runner about other Jobs (for checks before it is made). */
  public static V1Job forSession(Inputs in) {
    return forSession(in, null);
  }

  /**
   * The Job to create; {@code peers} tells its runner about the other Jobs on its repository (null:
   * nothing is told, and the runner leaves locks to restic's own rule).
   */
  public static V1Job forSession(Inputs in, RunnerPeers peers) {
    RestoreSessionSpec spec = in.session().getSpec();
    String namespace = in.session().getMetadata().getNamespace();
    String sessionName = in.session().getMetadata().getName();
    // By default the snapshots are the target's own; a restore into another target names the
    // source.
    String host =
        spec.getSource() != null && spec.getSource().getHost() != null
            ? spec.getSource().getHost()
            : SnapshotIdentity.host(namespace, spec.getTarget());
    List<String> tags =
        spec.getSource() != null && spec.getSource().getTags() != null
            ? spec.getSource().getTags()
            : List.of();
    String snapshot = spec.getSnapshot() == null ? "latest" : spec.getSnapshot();

    Variables.Builder variables = variables(in, host, tags, snapshot);
    List<V1Container> steps =
        TaskResolver.containers(
            in.task(), in.functions(), variables.build(), spec.getTask().getParams());

    List<V1EnvVar> runnerEnvironment =
        new ArrayList<>(
            List.of(
                SessionJob.env("KEEPSAKE_NAMESPACE", namespace),
                SessionJob.env("KEEPSAKE_SESSION", sessionName),
                SessionJob.env("KEEPSAKE_REPOSITORY", SessionJob.repositoryJson(in.repository())),
                SessionJob.env("KEEPSAKE_REPOSITORY_NAME", in.repository().getMetadata().getName()),
                SessionJob.env("KEEPSAKE_HOST", host),
                SessionJob.env("KEEPSAKE_TAGS", String.join(",", tags)),
                SessionJob.env("KEEPSAKE_SNAPSHOT", snapshot),
                SessionJob.env("KEEPSAKE_SCRATCH_DIR", SessionJob.SCRATCH_PATH)));
    SessionJob.addOptionalEnvironment(runnerEnvironment, in.settings(), spec.getTimeout());
    if (peers != null) {
      runnerEnvironment.addAll(peers.environment());
    }
    return SessionJob.build(
        new SessionJob.Parts(
            Names.restoreJob(sessionName),
            namespace,
            Labels.of(Labels.RESTORE, sessionName),
            SessionJob.ownedBy(in.session()),
            steps,
            taskVolumes(in, variables.build()),
            in.repository(),
            spec.getTarget(),
            false,
            spec.getRuntimeSettings(),
            spec.getTimeout(),
            runnerEnvironment,
            Names.restoreJob(
                sessionName), // each session's Job has an identity of its own: it may write that
            // session's status only
            in.settings()));
  }

  private static List<io.kubernetes.client.openapi.models.V1Volume> taskVolumes(
      Inputs in, Variables variables) {
    var volumes = TaskResolver.volumes(in.task(), variables);
    in.settings().jobPolicy().checkTaskVolumes(volumes, in.task().getMetadata().getName());
    return volumes;
  }

  static Variables.Builder variables(Inputs in, String host, List<String> tags, String snapshot) {
    RestoreSessionSpec spec = in.session().getSpec();
    String namespace = in.session().getMetadata().getNamespace();
    String sessionName = in.session().getMetadata().getName();
    TargetVariables.refuseClimbing(spec.getTarget().getTargetPath(), "spec.target.targetPath");
    Variables.Builder variables =
        Variables.builder()
            .set("NAMESPACE", namespace)
            .set("RESTORE_SESSION", sessionName)
            .set("INVOKER_KIND", "RestoreSession")
            .set("INVOKER_NAME", sessionName)
            .set("RUNNER_IMAGE", in.settings().runnerImage())
            .set("PUSHGATEWAY_URL", in.settings().pushgatewayUrl())
            .set("SNAPSHOT", snapshot)
            .set("SNAPSHOT_HOST", host)
            .list("SNAPSHOT_TAGS", tags)
            .set("RESTORE_TARGET", restoreTarget(spec.getTarget().getTargetPath()))
            .set("TARGET_SUBPATH", subPath(spec.getTarget().getTargetPath()));
    RepositoryVariables.add(variables, in.repository());
    TargetVariables.add(variables, namespace, spec.getTarget(), in.appBinding());
    return variables;
  }

  /**
   * Where restic restore writes, for the built-in volume Task whose snapshots hold the claim's
   * files under /target: "/" puts them back in place; a targetPath is a folder of the claim, never
   * of the Job's read-only root file system (the files then keep their /target prefix below it).
   */
  static String restoreTarget(String targetPath) {
    String subPath = subPath(targetPath);
    return subPath.isEmpty() ? "/" : TargetVariables.TARGET_MOUNT + subPath;
  }

  /** A folder inside the target volume, as "/photos", or "" for its root. */
  static String subPath(String targetPath) {
    if (targetPath == null || targetPath.isBlank() || targetPath.equals("/")) {
      return "";
    }
    return "/" + targetPath.replaceAll("^/+|/+$", "");
  }
}
