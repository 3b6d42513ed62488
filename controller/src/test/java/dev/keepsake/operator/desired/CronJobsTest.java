package dev.keepsake.operator.desired;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keepsake.api.Backend;
import dev.keepsake.api.BackupConfiguration;
import dev.keepsake.api.BackupConfigurationSpec;
import dev.keepsake.api.NamedRef;
import dev.keepsake.api.NamespacedRef;
import dev.keepsake.api.Repository;
import dev.keepsake.api.RepositoryCheck;
import dev.keepsake.api.RepositorySpec;
import dev.keepsake.api.S3Backend;
import dev.keepsake.desired.OperatorSettings;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1CronJob;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import org.junit.jupiter.api.Test;

class CronJobsTest {
  private static final OperatorSettings SETTINGS =
      new OperatorSettings("keepsake/runner:0.1.0", null, 3600, "keepsake-job");

  private static BackupConfiguration nightly(boolean paused) {
    return new BackupConfiguration()
        .metadata(new V1ObjectMeta().name("nightly").namespace("shop").uid("u-1"))
        .spec(
            new BackupConfigurationSpec()
                .schedule("30 2 * * *")
                .timeZone("Europe/Paris")
                .paused(paused)
                .repository(new NamespacedRef().name("backups")));
  }

  @Test
  void aScheduleWithoutATimeZoneRunsInUtcWhateverTheControllerManagersZone() {
    BackupConfiguration utc = nightly(false);
    utc.getSpec().timeZone(null);

    assertThat(CronJobs.forConfiguration(utc, SETTINGS).getSpec().getTimeZone()).isEqualTo("UTC");
  }

  @Test
  void aConfigurationsCronJobOnlyTriggersSessionsAsTheTriggersIdentityOnItsSchedule() {
    V1CronJob cronJob = CronJobs.forConfiguration(nightly(false), SETTINGS);

    assertThat(cronJob.getMetadata().getName()).isEqualTo("keepsake-nightly");
    assertThat(cronJob.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(owner -> assertThat(owner.getController()).isTrue())
        .satisfies(owner -> assertThat(owner.getUid()).isEqualTo("u-1"));
    assertThat(cronJob.getSpec().getSchedule()).isEqualTo("30 2 * * *");
    assertThat(cronJob.getSpec().getTimeZone()).isEqualTo("Europe/Paris");
    assertThat(cronJob.getSpec().getSuspend()).isFalse();
    assertThat(cronJob.getSpec().getConcurrencyPolicy()).isEqualTo("Forbid");
    var pod = cronJob.getSpec().getJobTemplate().getSpec().getTemplate().getSpec();
    assertThat(pod.getServiceAccountName()).isEqualTo("keepsake-job");
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    V1Container trigger = pod.getContainers().get(0);
    assertThat(trigger.getCommand()).containsExactly("keepsake", "trigger");
    assertThat(trigger.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(trigger.getEnv())
        .anySatisfy(
            env -> {
              assertThat(env.getName()).isEqualTo("KEEPSAKE_JOB_NAME");
              assertThat(env.getValueFrom().getFieldRef().getFieldPath())
                  .isEqualTo("metadata.labels['batch.kubernetes.io/job-name']");
            });
  }

  @Test
  void aPausedConfigurationsCronJobIsSuspended() {
    assertThat(CronJobs.forConfiguration(nightly(true), SETTINGS).getSpec().getSuspend()).isTrue();
  }

  @Test
  void aRepositorysCheckCronJobRunsTheCheckWithTheDataSubsetAsked() {
    Repository repository =
        new Repository()
            .metadata(new V1ObjectMeta().name("backups").namespace("shop").uid("r-1"))
            .spec(
                new RepositorySpec()
                    .backend(
                        new Backend()
                            .s3(new S3Backend().endpoint("http://s3.local:9000").bucket("b")))
                    .secret(new NamedRef().name("creds"))
                    .check(new RepositoryCheck().schedule("0 3 * * 0").readDataSubset("10%")));

    V1CronJob cronJob = CronJobs.forRepositoryCheck(repository, SETTINGS);

    assertThat(cronJob.getMetadata().getName()).isEqualTo("keepsake-check-backups");
    assertThat(cronJob.getSpec().getSchedule()).isEqualTo("0 3 * * 0");
    assertThat(
            cronJob
                .getSpec()
                .getJobTemplate()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getCommand())
        .containsExactly("keepsake", "check", "--read-data-subset", "10%");
    assertThat(cronJob.getMetadata().getLabels()).containsEntry("keepsake.dev/operation", "check");
  }
}
