package dev.keepsake.operator.reconcile;

import dev.keepsake.api.ApiKind;
import dev.keepsake.api.BackupConfiguration;
import dev.keepsake.api.BackupConfigurationStatus;
import dev.keepsake.api.BackupSession;
import dev.keepsake.api.Manifests;
import dev.keepsake.desired.Names;
import dev.keepsake.desired.OperatorSettings;
import dev.keepsake.operator.desired.CronJobs;
import dev.keepsake.operator.kube.Cluster;
import dev.keepsake.operator.kube.Writer;
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

/** BackupConfiguration → its CronJob (suspended while paused) and its status. */
public final class BackupConfigurationReconciler implements Reconciler {
  private final Cluster cluster;
  private final References references;
  private final Writer writer;
  private final OperatorSettings settings;

  public BackupConfigurationReconciler(Cluster cluster, Writer writer, OperatorSettings settings) {
    this.cluster = cluster;
    this.references = new References(cluster);
    this.writer = writer;
    this.settings = settings;
  }

  @Override
  public Result reconcile(Request request) {
    BackupConfiguration configuration = Cluster.get(cluster.configurations, request.getNamespace(), request.getName());
    if (configuration == null) {
      return Results.done(); // owner references take the CronJob along
    }
    Readiness readiness = ConfigurationReadiness.assess(configuration, observe(configuration), settings);
    BackupConfigurationStatus status = ConfigurationStatuses.from(configuration, readiness, sessionsOf(configuration), OffsetDateTime.now());
    try {
      if (readiness.ready()) {
        writer.ensureJobIdentity(request.getNamespace(), settings.jobServiceAccount());
        writer.applyCronJob(CronJobs.forConfiguration(configuration, settings),
            Cluster.get(cluster.cronJobs, request.getNamespace(), Names.cronJob(request.getName())));
      }
      if (!Manifests.toJson(status).equals(Manifests.toJson(orEmpty(configuration.getStatus())))
          && !writer.writeStatus(ApiKind.BACKUP_CONFIGURATION, configuration, status)) {
        return Results.conflict();
      }
    } catch (ApiException e) {
      return Results.failed("BackupConfiguration " + request, e);
    }
    return readiness.recheckAfter() != null ? Results.after(readiness.recheckAfter()) : untilNextBackup(status);
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
    return Cluster.in(cluster.backupSessions, configuration.getMetadata().getNamespace()).stream()
        .filter(s -> configuration.getMetadata().getName().equals(s.getSpec().getInvoker().getName()))
        .toList();
  }

  /** Looks again after the next scheduled time, so nextBackupTime does not go stale. */
  private static Result untilNextBackup(BackupConfigurationStatus status) {
    if (status.getNextBackupTime() == null) {
      return Results.done();
    }
    Duration wait = Duration.between(OffsetDateTime.now(), status.getNextBackupTime()).plusSeconds(5);
    return Results.after(wait.isNegative() ? Duration.ofSeconds(5) : wait);
  }

  private static BackupConfigurationStatus orEmpty(BackupConfigurationStatus status) {
    return status == null ? new BackupConfigurationStatus() : status;
  }
}
