package dev.keepsake.operator.reconcile;

import dev.keepsake.api.ApiKind;
import dev.keepsake.api.BackupConfiguration;
import dev.keepsake.api.BackupConfigurationStatus;
import dev.keepsake.api.BackupSession;
import dev.keepsake.desired.Names;
import dev.keepsake.desired.OperatorSettings;
import dev.keepsake.operator.desired.CronJobs;
import dev.keepsake.operator.kube.Cluster;
import dev.keepsake.operator.kube.KubeWrites;
import dev.keepsake.operator.kube.StatusWriter;
import dev.keepsake.operator.status.Conditions;
import dev.keepsake.operator.status.ConfigurationReadiness;
import dev.keepsake.operator.status.ConfigurationStatuses;
import dev.keepsake.operator.status.Readiness;
import io.kubernetes.client.extended.controller.reconciler.Reconciler;
import io.kubernetes.client.extended.controller.reconciler.Request;
import io.kubernetes.client.extended.controller.reconciler.Result;
import io.kubernetes.client.openapi.ApiException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/** BackupConfiguration → its CronJob (suspended while paused) and its status. */
public final class BackupConfigurationReconciler implements Reconciler {
  private static final Logger LOG = Logger.getLogger(BackupConfigurationReconciler.class.getName());
  private final Cluster cluster;
  private final References references;
  private final KubeWrites writes;
  private final OperatorSettings settings;

  public BackupConfigurationReconciler(
      Cluster cluster, KubeWrites writes, OperatorSettings settings) {
    this.cluster = cluster;
    this.references = new References(cluster);
    this.writes = writes;
    this.settings = settings;
  }

  @Override
  public Result reconcile(Request request) {
    BackupConfiguration configuration =
        cluster.configuration(request.getNamespace(), request.getName());
    if (configuration == null) {
      return Results.done(); // owner references take the CronJob along
    }
    String cronJobName = Names.cronJob(request.getName());
    try {
      Readiness readiness = assess(configuration);
      var repositoryRef = configuration.getSpec().getRepository();
      if ("RepositoryNotAllowed".equals(readiness.reason())
          && repositoryRef.getNamespace() != null) {
        // Access was taken back: the credentials this namespace held for the Repository go too.
        writes
            .secrets()
            .deleteShared(
                request.getNamespace(),
                dev.keepsake.desired.SharedRepositories.copyName(
                    repositoryRef.getNamespace(), repositoryRef.getName()));
      }
      if (readiness.ready()) {
        readiness = applyCronJob(configuration, cronJobName, readiness);
      }
      boolean scheduled = readiness.ready();
      if (scheduled && !Boolean.TRUE.equals(configuration.getSpec().getPaused())) {
        readiness = repositorySecretMissing(configuration).orElse(readiness);
      }
      BackupConfigurationStatus status = status(configuration, readiness, scheduled);
      StatusWriter.Outcome written =
          writes.statuses().writeIfChanged(ApiKind.BACKUP_CONFIGURATION, configuration, status);
      if (written == StatusWriter.Outcome.CONFLICT) {
        return Results.conflict();
      }
      if (written == StatusWriter.Outcome.WRITTEN) {
        announce(configuration, readiness);
      }
      return readiness.recheckAfter() != null
          ? Results.after(readiness.recheckAfter())
          : untilNextBackup(status);
    } catch (ApiException e) {
      return Results.failed("BackupConfiguration " + request, e);
    }
  }

  /**
   * Readiness from the inputs; a value the checks themselves trip over makes the configuration
   * invalid, not silent.
   */
  private Readiness assess(BackupConfiguration configuration) {
    try {
      var spec = configuration.getSpec();
      return references.explained(
          ConfigurationReadiness.assess(configuration, observe(configuration), settings),
          configuration.getMetadata().getNamespace(),
          spec.getRepository(),
          spec.getTask().getName(),
          spec.getTarget());
    } catch (RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "BackupConfiguration "
              + configuration.getMetadata().getNamespace()
              + "/"
              + configuration.getMetadata().getName()
              + " could not be assessed",
          e);
      return Readiness.invalid(
          "InvalidSpec",
          "the operator could not process this configuration: " + Refusals.describe(e));
    }
  }

  /**
   * Applies the CronJob; what the API server refuses, or what cannot be built, makes the
   * configuration not Ready.
   */
  private Readiness applyCronJob(
      BackupConfiguration configuration, String cronJobName, Readiness readiness)
      throws ApiException {
    String namespace = configuration.getMetadata().getNamespace();
    try {
      writes
          .identities()
          .ensureShared(namespace, cluster.namespaceUid(namespace), settings.jobServiceAccount());
    } catch (ApiException e) {
      String refusal = Refusals.of(e).orElseThrow(() -> e);
      return Readiness.refused(
          "IdentityRefused",
          "the API server refused the ServiceAccount, Role or RoleBinding the scheduled runs of"
              + " this configuration run as: "
              + refusal);
    }
    try {
      writes
          .apply()
          .cronJob(
              CronJobs.forConfiguration(configuration, settings),
              cluster.cronJob(namespace, cronJobName));
      return readiness;
    } catch (ApiException e) {
      String refusal = Refusals.of(e).orElseThrow(() -> e);
      return Readiness.refused(
          "CronJobRefused",
          "the API server refused CronJob "
              + cronJobName
              + " built from this configuration: "
              + refusal);
    } catch (RuntimeException e) {
      return Readiness.invalid(
          "InvalidSpec",
          "CronJob "
              + cronJobName
              + " cannot be built from this configuration: "
              + Refusals.describe(e));
    }
  }

  /**
   * The CronJob stays and fires while the Repository's Secret is missing: each session then fails
   * saying so, and the first backup after the Secret comes back runs on time.
   */
  private Optional<Readiness> repositorySecretMissing(BackupConfiguration configuration) {
    String namespace = configuration.getMetadata().getNamespace();
    var ref = configuration.getSpec().getRepository();
    return ConfigurationReadiness.repositorySecretMissing(
        references.repository(namespace, ref),
        ref.getNamespace() == null ? namespace : ref.getNamespace(),
        namespace);
  }

  private BackupConfigurationStatus status(
      BackupConfiguration configuration, Readiness readiness, boolean scheduled) {
    try {
      return ConfigurationStatuses.from(
          configuration, readiness, scheduled, sessionsOf(configuration), OffsetDateTime.now());
    } catch (RuntimeException e) {
      Readiness broken =
          Readiness.invalid(
              "InvalidSpec",
              "the operator could not process this configuration: " + Refusals.describe(e));
      return new BackupConfigurationStatus()
          .observedGeneration(configuration.getMetadata().getGeneration())
          .conditions(
              Conditions.set(
                  orEmpty(configuration.getStatus()).getConditions(),
                  Conditions.READY,
                  false,
                  broken.reason(),
                  broken.message(),
                  configuration.getMetadata().getGeneration(),
                  OffsetDateTime.now()));
    }
  }

  /**
   * An Event when the configuration stops being Ready or becomes it again, where `kubectl describe`
   * shows it. A new configuration that is Ready from the start gets none: its condition says so,
   * and 10,000 configurations applied at once would add 10,000 Events to their 20,000 writes.
   */
  private void announce(BackupConfiguration configuration, Readiness readiness) {
    var before =
        Conditions.find(orEmpty(configuration.getStatus()).getConditions(), Conditions.READY);
    boolean wasReady = before.map(c -> "True".equals(c.getStatus())).orElse(false);
    boolean sameReason =
        before.map(c -> java.util.Objects.equals(c.getReason(), readiness.reason())).orElse(false);
    if (!readiness.ready() && (wasReady || !sameReason)) {
      writes.events().record(configuration, true, readiness.reason(), readiness.message());
    } else if (readiness.ready() && before.isPresent() && !wasReady) {
      writes.events().record(configuration, false, readiness.reason(), readiness.message());
    }
  }

  private ConfigurationReadiness.Observed observe(BackupConfiguration configuration) {
    String namespace = configuration.getMetadata().getNamespace();
    var spec = configuration.getSpec();
    return new ConfigurationReadiness.Observed(
        references.repository(namespace, spec.getRepository()),
        references.namespaceLabels(namespace),
        references.task(namespace, spec.getTask().getName()),
        references.functions(namespace),
        references.appBinding(namespace, spec.getTarget()));
  }

  private List<BackupSession> sessionsOf(BackupConfiguration configuration) {
    return cluster.sessionsOf(
        configuration.getMetadata().getNamespace(), configuration.getMetadata().getName());
  }

  /** Looks again after the next scheduled time, so nextBackupTime does not go stale. */
  private static Result untilNextBackup(BackupConfigurationStatus status) {
    if (status.getNextBackupTime() == null) {
      return Results.done();
    }
    Duration wait =
        Duration.between(OffsetDateTime.now(), status.getNextBackupTime()).plusSeconds(5);
    return Results.after(wait.isNegative() ? Duration.ofSeconds(5) : wait);
  }

  private static BackupConfigurationStatus orEmpty(BackupConfigurationStatus status) {
    return status == null ? new BackupConfigurationStatus() : status;
  }
}
