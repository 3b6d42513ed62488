package dev.keepsake.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keepsake.api.ApiKind;
import dev.keepsake.api.BackupSession;
import dev.keepsake.api.BackupSessionStatus;
import dev.keepsake.api.Manifests;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner writes what it did into its session, and the CronJob's trigger makes one session per
 * run.
 */
@ExtendWith(LocalControlPlaneExtension.class)
class RunnerReportsToKubernetesTest {
  @TempDir Path work;

  private RunnerProcess runner(LocalControlPlane controlPlane, TestNamespace namespace) {
    return new RunnerProcess(
        work,
        Map.of(
            "KUBECONFIG",
            controlPlane.kubeconfig().toString(),
            "KEEPSAKE_NAMESPACE",
            namespace.name(),
            "RESTIC_REPOSITORY",
            work.resolve("repository").toString(),
            "RESTIC_PASSWORD",
            "secret-password"));
  }

  private static BackupSession createSession(ApiClient client, TestNamespace namespace)
      throws ApiException {
    BackupSession session =
        Manifests.toModel(
            Examples.get("BackupSession", "redis-nightly-manual"), BackupSession.class);
    session.getMetadata().setNamespace(namespace.name());
    return ApiKind.BACKUP_SESSION.api(client).create(session).throwsApiException().getObject();
  }

  @Test
  void aBackupWritesSnapshotSizesAndMessageIntoItsSession(
      LocalControlPlane controlPlane, TestNamespace namespace) throws ApiException {
    BackupSession session = createSession(controlPlane.client(), namespace);

    RunnerProcess.Result backup =
        runner(controlPlane, namespace)
            .with("KEEPSAKE_SESSION", session.getMetadata().getName())
            .run(
                "backup",
                "--host",
                "demo/redis",
                "--",
                "sh",
                "-c",
                "head -c 3000000 /dev/zero | cat; "
                    + "echo '{\"counts\": {\"keys\": 42, \"keys.db0\": 42}, \"summary\": \"42 keys, as many as the source holds\"}'"
                    + " > \"$KEEPSAKE_INVENTORY_FILE\"");

    assertThat(backup.exit()).as(backup.log()).isZero();
    BackupSessionStatus status =
        ApiKind.BACKUP_SESSION
            .api(controlPlane.client())
            .get(namespace.name(), session.getMetadata().getName())
            .throwsApiException()
            .getObject()
            .getStatus();
    assertThat(status.getSnapshotId()).hasSize(8).isEqualTo(backup.message().split(" ")[1]);
    assertThat(status.getBytesProcessed()).isEqualTo(3_000_000L);
    assertThat(status.getSize()).isEqualTo("2.9 MiB");
    assertThat(status.getHost()).isEqualTo("demo/redis");
    assertThat(status.getMessage()).startsWith("snapshot ").doesNotContain("secret-password");
    assertThat(status.getDuration()).isNotBlank();
    assertThat(status.getProgress().getBytesDone())
        .as("bytes a wrapper's child wrote")
        .isEqualTo(3_000_000L);
    assertThat(status.getPhase()).as("the phase belongs to the operator").isNull();
    assertThat(status.getInventory())
        .containsExactlyInAnyOrderEntriesOf(java.util.Map.of("keys", 42L, "keys.db0", 42L));
    assertThat(status.getInventoryCheck()).isEqualTo("42 keys, as many as the source holds");
    assertThat(status.getMessage()).endsWith(": 42 keys, as many as the source holds");
  }

  @Test
  void aFailedBackupExplainsItselfInItsSession(
      LocalControlPlane controlPlane, TestNamespace namespace) throws ApiException {
    BackupSession session = createSession(controlPlane.client(), namespace);

    RunnerProcess.Result backup =
        runner(controlPlane, namespace)
            .with("KEEPSAKE_SESSION", session.getMetadata().getName())
            .run(
                "backup",
                "--host",
                "demo/redis",
                "--",
                "sh",
                "-c",
                "echo 'NOAUTH Authentication required' >&2; exit 1");

    assertThat(backup.exit()).isEqualTo(1);
    BackupSessionStatus status =
        ApiKind.BACKUP_SESSION
            .api(controlPlane.client())
            .get(namespace.name(), session.getMetadata().getName())
            .throwsApiException()
            .getObject()
            .getStatus();
    assertThat(status.getMessage())
        .contains(
            "exited with code 1", "no snapshot was written", "NOAUTH Authentication required");
    assertThat(status.getSnapshotId()).isNull();
  }

  @Test
  void theTriggerCreatesOneSessionPerScheduledRunEvenWhenItsPodIsRetried(
      LocalControlPlane controlPlane, TestNamespace namespace) throws ApiException {
    RunnerProcess trigger =
        runner(controlPlane, namespace)
            .with("KEEPSAKE_CONFIGURATION", "redis-nightly")
            .with("KEEPSAKE_JOB_NAME", "redis-nightly-29427870");

    RunnerProcess.Result first = trigger.run("trigger");
    RunnerProcess.Result retried = trigger.run("trigger");

    assertThat(first.exit()).as(first.log()).isZero();
    assertThat(retried.exit()).as(retried.log()).isZero();
    assertThat(retried.log()).contains("exists already: this scheduled run was triggered before");
    List<BackupSession> sessions =
        ApiKind.BACKUP_SESSION
            .api(controlPlane.client())
            .list(namespace.name())
            .throwsApiException()
            .getObject()
            .getItems();
    assertThat(sessions)
        .singleElement()
        .satisfies(
            session -> {
              assertThat(session.getMetadata().getName()).isEqualTo("redis-nightly-29427870");
              assertThat(session.getSpec().getInvoker().getName()).isEqualTo("redis-nightly");
              assertThat(session.getSpec().getTrigger()).isEqualTo("Scheduled");
              assertThat(session.getMetadata().getLabels())
                  .containsEntry("keepsake.dev/configuration", "redis-nightly");
            });
  }
}
