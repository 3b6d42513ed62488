package dev.keepsake.desired;

import dev.keepsake.api.AppBinding;
import dev.keepsake.api.BackupConfiguration;
import dev.keepsake.api.BackupConfigurationSpec;
import dev.keepsake.api.BackupSession;
import dev.keepsake.api.Function;
import dev.keepsake.api.Repository;
import dev.keepsake.api.RetentionPolicy;
import dev.keepsake.api.Task;
import dev.keepsake.resolve.TaskResolver;
import dev.keepsake.resolve.Variables;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1Job;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The Job that runs one BackupSession: its configuration's Task, resolved. */
public final class BackupJobs {
  /** Everything the Job depends on, as the reconciler read it. */
  public record Inputs(
      BackupSession session,
      BackupConfiguration configuration,
      Repository repository,
      AppBinding appBinding,
      Task task,
      Map<String, Function> functions,
      OperatorSettings settings) {}

  private BackupJobs() {}

  /** The Job, with no word for its runner about other Jobs (for checks before it is made). */
  public static V1Job forSession(Inputs in) {
    return forSession(in, null);
  }

  /**
   * The Job to create; {@code peers} tells its runner about the other Jobs on its repository (null:
   * nothing is told, and the runner leaves locks to restic's own rule).
   */
  public static V1Job forSession(Inputs in, RunnerPeers peers) {
    String namespace = in.session().getMetadata().getNamespace();
    String sessionName = in.session().getMetadata().getName();
    String configurationName = in.configuration().getMetadata().getName();
    BackupConfigurationSpec spec = in.configuration().getSpec();
    String host = SnapshotIdentity.host(namespace, spec.getTarget());
    List<String> tags = SnapshotIdentity.tags(configurationName);
    Variables variables = variables(in, host, tags);
    List<V1Container> steps =
        TaskResolver.containers(in.task(), in.functions(), variables, spec.getTask().getParams());

    List<V1EnvVar> runnerEnvironment =
        new ArrayList<>(
            List.of(
                SessionJob.env("KEEPSAKE_NAMESPACE", namespace),
                SessionJob.env("KEEPSAKE_SESSION", sessionName),
                SessionJob.env("KEEPSAKE_CONFIGURATION", configurationName),
                SessionJob.env("KEEPSAKE_REPOSITORY", SessionJob.repositoryJson(in.repository())),
                SessionJob.env("KEEPSAKE_REPOSITORY_NAME", in.repository().getMetadata().getName()),
                SessionJob.env("KEEPSAKE_HOST", host),
                SessionJob.env("KEEPSAKE_TAGS", String.join(",", tags)),
                SessionJob.env("KEEPSAKE_SCRATCH_DIR", SessionJob.SCRATCH_PATH)));
    SessionJob.addOptionalEnvironment(runnerEnvironment, in.settings(), spec.getTimeout());
    if (peers != null) {
      runnerEnvironment.addAll(peers.environment());
    }
    return SessionJob.build(
        new SessionJob.Parts(
            Names.backupJob(sessionName),
            namespace,
            jobLabels(configurationName, sessionName),
            SessionJob.ownedBy(in.session()),
            steps,
            taskVolumes(in, variables),
            in.repository(),
            spec.getTarget(),
            true,
            spec.getRuntimeSettings(),
            spec.getTimeout(),
            runnerEnvironment,
            Names.backupJob(
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

  static Map<String, String> jobLabels(String configuration, String session) {
    Map<String, String> labels = Labels.of(Labels.CONFIGURATION, configuration);
    labels.put(Labels.SESSION, session);
    return labels;
  }

  static Variables variables(Inputs in, String host, List<String> tags) {
    String namespace = in.session().getMetadata().getNamespace();
    BackupConfigurationSpec spec = in.configuration().getSpec();
    Variables.Builder variables =
        Variables.builder()
            .set("NAMESPACE", namespace)
            .set("BACKUP_SESSION", in.session().getMetadata().getName())
            .set("INVOKER_KIND", "BackupConfiguration")
            .set("INVOKER_NAME", in.configuration().getMetadata().getName())
            .set("RUNNER_IMAGE", in.settings().runnerImage())
            .set("PUSHGATEWAY_URL", in.settings().pushgatewayUrl())
            .set("SNAPSHOT_HOST", host)
            .list("SNAPSHOT_TAGS", tags)
            .list("RETENTION_FLAGS", retentionFlags(spec.getRetentionPolicy()));
    RepositoryVariables.add(variables, in.repository());
    TargetVariables.add(variables, namespace, spec.getTarget(), in.appBinding());
    return variables.build();
  }

  /** restic forget's flags for a policy; no policy keeps everything (and the step is told so). */
  static List<String> retentionFlags(RetentionPolicy policy) {
    List<String> flags = new ArrayList<>();
    if (policy == null) {
      return flags;
    }
    addFlag(flags, "--keep-last", policy.getKeepLast());
    addFlag(flags, "--keep-hourly", policy.getKeepHourly());
    addFlag(flags, "--keep-daily", policy.getKeepDaily());
    addFlag(flags, "--keep-weekly", policy.getKeepWeekly());
    addFlag(flags, "--keep-monthly", policy.getKeepMonthly());
    addFlag(flags, "--keep-yearly", policy.getKeepYearly());
    flags.addAll(TargetVariables.flags("--keep-tag", policy.getKeepTags()));
    if (policy.getPrune() == null || policy.getPrune()) {
      flags.add("--prune");
    }
    if (Boolean.TRUE.equals(policy.getDryRun())) {
      flags.add("--dry-run");
    }
    if (policy.getName() != null) {
      flags.addAll(List.of("--policy-name", policy.getName()));
    }
    return flags;
  }

  private static void addFlag(List<String> flags, String flag, Integer value) {
    if (value != null) {
      flags.add(flag);
      flags.add(value.toString());
    }
  }
}
