package dev.keepsake.operator.desired;

import dev.keepsake.api.BackupConfiguration;
import dev.keepsake.desired.Labels;
import dev.keepsake.desired.Names;
import dev.keepsake.desired.OperatorSettings;
import dev.keepsake.operator.schedule.Schedule;
import io.kubernetes.client.openapi.models.V1Capabilities;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1CronJob;
import io.kubernetes.client.openapi.models.V1CronJobSpec;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1EnvVarSource;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1JobSpec;
import io.kubernetes.client.openapi.models.V1JobTemplateSpec;
import io.kubernetes.client.openapi.models.V1ObjectFieldSelector;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1OwnerReference;
import io.kubernetes.client.openapi.models.V1PodSecurityContext;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import io.kubernetes.client.openapi.models.V1SecurityContext;
import java.util.List;
import java.util.Map;

/**
 * The CronJob of a BackupConfiguration. Its pod only runs `keepsake trigger`, which creates the
 * BackupSession; the session's own Job does the backup, so the schedule and the work stay apart.
 */
public final class CronJobs {
  /** Pods of CronJob-made Jobs carry their Job's name in this label (Kubernetes 1.27+). */
  public static final String JOB_NAME_LABEL = "batch.kubernetes.io/job-name";

  private CronJobs() {}

  public static V1CronJob forConfiguration(
      BackupConfiguration configuration, OperatorSettings settings) {
    String name = configuration.getMetadata().getName();
    Map<String, String> labels = Labels.of(Labels.CONFIGURATION, name);
    V1Container trigger =
        new V1Container()
            .name("trigger")
            .image(settings.runnerImage())
            .command(List.of("keepsake", "trigger"))
            .env(
                List.of(
                    new V1EnvVar().name("KEEPSAKE_CONFIGURATION").value(name),
                    fieldRef("KEEPSAKE_NAMESPACE", "metadata.namespace"),
                    // The session is named after the Job: a retried pod finds it instead of making
                    // a second one.
                    fieldRef("KEEPSAKE_JOB_NAME", "metadata.labels['" + JOB_NAME_LABEL + "']")))
            .securityContext(
                new V1SecurityContext()
                    .readOnlyRootFilesystem(true)
                    .allowPrivilegeEscalation(false)
                    .capabilities(new V1Capabilities().drop(List.of("ALL"))));
    V1PodSpec pod =
        new V1PodSpec()
            .restartPolicy("OnFailure")
            .serviceAccountName(settings.jobServiceAccount())
            .securityContext(new V1PodSecurityContext().runAsNonRoot(true).runAsUser(65532L))
            .containers(List.of(trigger));
    return new V1CronJob()
        .apiVersion("batch/v1")
        .kind("CronJob")
        .metadata(
            new V1ObjectMeta()
                .name(Names.cronJob(name))
                .namespace(configuration.getMetadata().getNamespace())
                .labels(labels)
                .ownerReferences(
                    List.of(
                        new V1OwnerReference()
                            .apiVersion(configuration.getApiVersion())
                            .kind(configuration.getKind())
                            .name(name)
                            .uid(configuration.getMetadata().getUid())
                            .controller(true)
                            .blockOwnerDeletion(true))))
        .spec(
            new V1CronJobSpec()
                .schedule(configuration.getSpec().getSchedule())
                .timeZone(Schedule.zoneOf(configuration.getSpec().getTimeZone()))
                .suspend(Boolean.TRUE.equals(configuration.getSpec().getPaused()))
                // Overlap is handled per session (Skipped, with a reason); the trigger itself never
                // overlaps.
                .concurrencyPolicy("Forbid")
                .startingDeadlineSeconds(300L)
                .successfulJobsHistoryLimit(1)
                .failedJobsHistoryLimit(3)
                .jobTemplate(
                    new V1JobTemplateSpec()
                        .metadata(new V1ObjectMeta().labels(labels))
                        .spec(
                            new V1JobSpec()
                                .backoffLimit(3)
                                .ttlSecondsAfterFinished(3600)
                                .template(
                                    new V1PodTemplateSpec()
                                        .metadata(new V1ObjectMeta().labels(labels))
                                        .spec(pod)))));
  }

  /** The CronJob of a Repository's scheduled check: its Jobs run `keepsake check` themselves. */
  public static V1CronJob forRepositoryCheck(
      dev.keepsake.api.Repository repository, OperatorSettings settings) {
    String name = repository.getMetadata().getName();
    V1Job check = dev.keepsake.desired.RepositoryJobs.check(repository, settings);
    Map<String, String> labels = check.getMetadata().getLabels();
    return new V1CronJob()
        .apiVersion("batch/v1")
        .kind("CronJob")
        .metadata(
            new V1ObjectMeta()
                .name(Names.checkCronJob(name))
                .namespace(repository.getMetadata().getNamespace())
                .labels(labels)
                .ownerReferences(check.getMetadata().getOwnerReferences()))
        .spec(
            new V1CronJobSpec()
                .schedule(repository.getSpec().getCheck().getSchedule())
                .timeZone(Schedule.zoneOf(repository.getSpec().getCheck().getTimeZone()))
                .concurrencyPolicy("Forbid")
                .startingDeadlineSeconds(300L)
                .successfulJobsHistoryLimit(1)
                .failedJobsHistoryLimit(1)
                .jobTemplate(
                    new V1JobTemplateSpec()
                        .metadata(new V1ObjectMeta().labels(labels))
                        .spec(check.getSpec())));
  }

  private static V1EnvVar fieldRef(String name, String path) {
    return new V1EnvVar()
        .name(name)
        .valueFrom(new V1EnvVarSource().fieldRef(new V1ObjectFieldSelector().fieldPath(path)));
  }
}
