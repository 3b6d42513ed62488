package dev.keepsake.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keepsake.api.BackupConfiguration;
import dev.keepsake.api.BackupConfigurationSpec;
import dev.keepsake.api.BackupSession;
import dev.keepsake.api.BackupSessionStatus;
import dev.keepsake.api.SessionPhase;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigurationStatusesTest {
  private static final OffsetDateTime NOW = OffsetDateTime.parse("2026-12-06T10:00:00Z");

  private static BackupConfiguration configuration(boolean paused) {
    return new BackupConfiguration()
        .metadata(new V1ObjectMeta().name("nightly").namespace("shop").generation(4L))
        .spec(new BackupConfigurationSpec().schedule("0 3 * * *").paused(paused));
  }

  private static BackupSession ended(String name, SessionPhase phase, String completion) {
    return new BackupSession()
        .metadata(new V1ObjectMeta().name(name))
        .status(
            new BackupSessionStatus()
                .phase(phase)
                .completionTime(OffsetDateTime.parse(completion)));
  }

  @Test
  void aReadyConfigurationShowsItsNextRunItsLastBackupAndItsLastSuccess() {
    var status =
        ConfigurationStatuses.from(
            configuration(false),
            Readiness.ready("Scheduled", "runs"),
            true,
            List.of(
                ended("old", SessionPhase.Succeeded, "2026-12-04T03:01:00Z"),
                ended("failed", SessionPhase.Failed, "2026-12-05T03:01:00Z"),
                ended("skipped", SessionPhase.Skipped, "2026-12-05T04:00:00Z")),
            NOW);

    assertThat(status.getObservedGeneration()).isEqualTo(4L);
    assertThat(status.getNextBackupTime()).isEqualTo(OffsetDateTime.parse("2026-12-07T03:00:00Z"));
    assertThat(status.getScheduleDescription()).isEqualTo("at 03:00 (UTC)");
    assertThat(status.getCronJobName()).isEqualTo("keepsake-nightly");
    assertThat(status.getLastBackupSession())
        .as("a skipped session is no backup")
        .isEqualTo("failed");
    assertThat(status.getLastSuccessfulBackupTime())
        .isEqualTo(OffsetDateTime.parse("2026-12-04T03:01:00Z"));
    assertThat(Conditions.find(status.getConditions(), Conditions.READY))
        .hasValueSatisfying(
            ready -> {
              assertThat(ready.getStatus()).isEqualTo("True");
              assertThat(ready.getObservedGeneration()).isEqualTo(4L);
            });
  }

  @Test
  void aPausedOrRefusedConfigurationHasNoNextRunAndARefusedOneNoCronJob() {
    var paused =
        ConfigurationStatuses.from(
            configuration(true), Readiness.ready("Paused", "paused"), true, List.of(), NOW);
    var refused =
        ConfigurationStatuses.from(
            configuration(false),
            Readiness.missing("RepositoryNotFound", "no repository"),
            false,
            List.of(),
            NOW);
    var secretMissing =
        ConfigurationStatuses.from(
            configuration(false),
            Readiness.missing("RepositoryNotReady", "no Secret"),
            true,
            List.of(),
            NOW);

    assertThat(secretMissing.getNextBackupTime())
        .as("its CronJob stays and fires: each session says the Secret is missing")
        .isNotNull();
    assertThat(secretMissing.getCronJobName()).isNotNull();

    assertThat(paused.getNextBackupTime()).isNull();
    assertThat(refused.getNextBackupTime()).isNull();
    assertThat(refused.getCronJobName()).isNull();
    assertThat(Conditions.find(refused.getConditions(), Conditions.READY))
        .hasValueSatisfying(
            ready -> {
              assertThat(ready.getStatus()).isEqualTo("False");
              assertThat(ready.getReason()).isEqualTo("RepositoryNotFound");
            });
  }
}
