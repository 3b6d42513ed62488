package dev.keepsake.operator.status;

import dev.keepsake.api.AppBinding;
import dev.keepsake.api.BackupConfiguration;
import dev.keepsake.api.BackupSession;
import dev.keepsake.api.BackupSessionSpec;
import dev.keepsake.api.Function;
import dev.keepsake.api.Invoker;
import dev.keepsake.api.Repository;
import dev.keepsake.api.Task;
import dev.keepsake.desired.BackupJobs;
import dev.keepsake.desired.OperatorSettings;
import dev.keepsake.operator.schedule.Schedule;
import dev.keepsake.resolve.ResolutionException;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.util.Map;

/** Whether a BackupConfiguration can run: schedule, repository, usage policy, task, target, variables. */
public final class ConfigurationReadiness {
  /** What the reconciler found for the configuration's references; null means not found. */
  public record Observed(
      Repository repository,
      Map<String, String> namespaceLabels,
      Task task,
      Map<String, Function> functions,
      AppBinding appBinding) {}

  private ConfigurationReadiness() {}

  public static Readiness assess(BackupConfiguration configuration, Observed observed, OperatorSettings settings) {
    var spec = configuration.getSpec();
    String namespace = configuration.getMetadata().getNamespace();
    if (Schedule.parse(spec.getSchedule(), spec.getTimeZone()) instanceof Schedule.Invalid invalid) {
      return Readiness.invalid("InvalidSchedule", invalid.message());
    }
    String repositoryNamespace = spec.getRepository().getNamespace() == null ? namespace : spec.getRepository().getNamespace();
    if (observed.repository() == null) {
      return Readiness.missing("RepositoryNotFound",
          "Repository " + repositoryNamespace + "/" + spec.getRepository().getName() + " does not exist (yet)");
    }
    if (!UsagePolicies.admits(observed.repository(), namespace, observed.namespaceLabels())) {
      return Readiness.missing("RepositoryNotAllowed", UsagePolicies.refusal(observed.repository(), namespace,
          observed.namespaceLabels()));
    }
    var unshareable = dev.keepsake.desired.SharedRepositories.unshareable(observed.repository(), namespace);
    if (unshareable.isPresent()) {
      return Readiness.invalid("RepositoryNotShareable", unshareable.get());
    }
    if (observed.task() == null) {
      return Readiness.missing("TaskNotFound", "Task " + spec.getTask().getName() + " does not exist in namespace "
          + namespace + " nor among the built-in Tasks");
    }
    if ("AppBinding".equals(spec.getTarget().getRef().getKind()) && observed.appBinding() == null) {
      return Readiness.missing("TargetNotFound", "AppBinding " + spec.getTarget().getRef().getName()
          + " does not exist in namespace " + namespace);
    }
    try {
      BackupJobs.forSession(new BackupJobs.Inputs(probeSession(configuration), configuration, observed.repository(),
          observed.appBinding(), observed.task(), observed.functions(), settings));
    } catch (ResolutionException e) {
      return "FunctionNotFound".equals(e.reason()) ? Readiness.missing(e.reason(), e.getMessage())
          : Readiness.invalid(e.reason(), e.getMessage());
    }
    boolean paused = Boolean.TRUE.equals(spec.getPaused());
    return Readiness.ready(paused ? "Paused" : "Scheduled", paused
        ? "paused: no backups are started until spec.paused is false"
        : "backups run on schedule '" + spec.getSchedule() + "' into Repository " + spec.getRepository().getName());
  }

  /** A session as the schedule would make it, to resolve the Task before any backup runs. */
  private static BackupSession probeSession(BackupConfiguration configuration) {
    return new BackupSession()
        .metadata(new V1ObjectMeta().name(configuration.getMetadata().getName() + "-probe")
            .namespace(configuration.getMetadata().getNamespace()).uid("probe"))
        .spec(new BackupSessionSpec().invoker(new Invoker().name(configuration.getMetadata().getName())));
  }
}
