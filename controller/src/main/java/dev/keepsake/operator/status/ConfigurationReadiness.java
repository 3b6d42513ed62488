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
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a BackupConfiguration can run: schedule, repository, usage policy, task, target,
 * variables.
 */
public final class ConfigurationReadiness {
  /** What the reconciler found for the configuration's references; null means not found. */
  public record Observed(
      Repository repository,
      Map<String, String> namespaceLabels,
      Task task,
      Map<String, Function> functions,
      AppBinding appBinding) {}

  private ConfigurationReadiness() {}

  public static Readiness assess(
      BackupConfiguration configuration, Observed observed, OperatorSettings settings) {
    var spec = configuration.getSpec();
    String namespace = configuration.getMetadata().getNamespace();
    Schedule.Parsed schedule = Schedule.parse(spec.getSchedule(), spec.getTimeZone());
    if (schedule instanceof Schedule.Invalid invalid) {
      return Readiness.invalid("InvalidSchedule", invalid.message());
    }
    String repositoryNamespace =
        spec.getRepository().getNamespace() == null
            ? namespace
            : spec.getRepository().getNamespace();
    Optional<Readiness> notReady =
        InputReadiness.repository(
                observed.repository(),
                repositoryNamespace + "/" + spec.getRepository().getName(),
                namespace,
                observed.namespaceLabels())
            .or(
                () ->
                    InputReadiness.taskAndTarget(
                        observed.task(),
                        spec.getTask().getName(),
                        spec.getTarget().getRef(),
                        observed.appBinding(),
                        namespace))
            .or(
                () ->
                    InputReadiness.resolving(
                        () ->
                            BackupJobs.forSession(
                                new BackupJobs.Inputs(
                                    probeSession(configuration),
                                    configuration,
                                    observed.repository(),
                                    observed.appBinding(),
                                    observed.task(),
                                    observed.functions(),
                                    settings))));
    if (notReady.isPresent()) {
      return notReady.get();
    }
    boolean paused = Boolean.TRUE.equals(spec.getPaused());
    return Readiness.ready(
        paused ? "Paused" : "Scheduled",
        paused
            ? "paused: no backups are started until spec.paused is false"
            : Schedule.byHandOnly(spec.getSchedule(), spec.getTimeZone())
                ? "schedule '"
                    + spec.getSchedule()
                    + "' names a date that never comes: backups into Repository "
                    + spec.getRepository().getName()
                    + " start only when a BackupSession is made (kubectl keepsake trigger)"
                : "backups run on schedule '"
                    + spec.getSchedule()
                    + "' into Repository "
                    + spec.getRepository().getName());
  }

  /**
   * A Repository whose Secret is missing, as its own status says: every scheduled backup into it
   * fails (each session says so), so the configuration does not claim backups can run. Only the
   * configuration's status follows it; its sessions look for the Secret themselves.
   *
   * @param repositoryNamespace where the Repository is: another namespace's Secret is not named
   */
  public static Optional<Readiness> repositorySecretMissing(
      Repository repository, String repositoryNamespace, String configurationNamespace) {
    return RepositoryStatuses.secretMissing(repository)
        .map(
            ready ->
                Readiness.missing(
                    "RepositoryNotReady",
                    "Repository "
                        + repositoryNamespace
                        + "/"
                        + repository.getMetadata().getName()
                        + " (spec.repository) is not ready: "
                        + (repositoryNamespace.equals(configurationNamespace)
                            ? ready.getMessage() + " (its spec.secret.name)"
                            : "its Secret does not exist in namespace " + repositoryNamespace)
                        + "; scheduled backups fail until it does"));
  }

  /** A session as the schedule would make it, to resolve the Task before any backup runs. */
  private static BackupSession probeSession(BackupConfiguration configuration) {
    return new BackupSession()
        .metadata(
            new V1ObjectMeta()
                .name(configuration.getMetadata().getName() + "-probe")
                .namespace(configuration.getMetadata().getNamespace())
                .uid("probe"))
        .spec(
            new BackupSessionSpec()
                .invoker(new Invoker().name(configuration.getMetadata().getName())));
  }
}
