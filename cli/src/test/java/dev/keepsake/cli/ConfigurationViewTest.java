package dev.keepsake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keepsake.api.BackupConfiguration;
import dev.keepsake.api.BackupConfigurationSpec;
import dev.keepsake.api.BackupSession;
import dev.keepsake.api.BackupSessionSpec;
import dev.keepsake.api.BackupSessionStatus;
import dev.keepsake.api.Invoker;
import dev.keepsake.api.SessionPhase;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigurationViewTest {
  private static final OffsetDateTime NOW = OffsetDateTime.parse("2026-12-06T10:30:00Z");

  private static BackupConfiguration daily(OffsetDateTime created) {
    return new BackupConfiguration()
        .metadata(new V1ObjectMeta().name("nightly").namespace("shop").creationTimestamp(created))
        .spec(new BackupConfigurationSpec().schedule("0 3 * * *"));
  }

  private static BackupSession session(
      String name, String configuration, SessionPhase phase, OffsetDateTime ended) {
    return new BackupSession()
        .metadata(
            new V1ObjectMeta()
                .name(name)
                .namespace("shop")
                .creationTimestamp(ended.minusMinutes(1)))
        .spec(new BackupSessionSpec().invoker(new Invoker().name(configuration)))
        .status(new BackupSessionStatus().phase(phase).completionTime(ended));
  }

  @Test
  void aConfigurationIsOverdueWhenAWholeIntervalPassedWithoutASuccess() {
    BackupSession dayBefore = session("a", "nightly", SessionPhase.Succeeded, NOW.minusDays(2));
    BackupSession yesterdayFailed = session("b", "nightly", SessionPhase.Failed, NOW.minusDays(1));

    ConfigurationView view =
        ConfigurationView.of(daily(NOW.minusDays(30)), List.of(dayBefore, yesterdayFailed), NOW);

    assertThat(view.overdueSince()).contains(OffsetDateTime.parse("2026-12-05T03:00Z"));
    assertThat(view.lastFailure()).map(s -> s.getMetadata().getName()).contains("b");
    assertThat(view.nextRun()).isEqualTo(OffsetDateTime.parse("2026-12-07T03:00Z"));
  }

  @Test
  void theLastScheduledRunMayStillBeDueWithoutMakingItOverdue() {
    BackupSession yesterday =
        session("a", "nightly", SessionPhase.Succeeded, OffsetDateTime.parse("2026-12-05T03:02Z"));
    BackupSession otherConfiguration =
        session("c", "other", SessionPhase.Succeeded, NOW.minusMinutes(5));

    ConfigurationView view =
        ConfigurationView.of(daily(NOW.minusDays(30)), List.of(yesterday, otherConfiguration), NOW);

    assertThat(view.overdueSince()).isEmpty();
    assertThat(view.sessions()).extracting(s -> s.getMetadata().getName()).containsExactly("a");
  }

  @Test
  void aNewOrPausedConfigurationIsNotOverdue() {
    assertThat(ConfigurationView.of(daily(NOW.minusHours(20)), List.of(), NOW).overdueSince())
        .isEmpty();
    BackupConfiguration paused = daily(NOW.minusDays(30));
    paused.getSpec().paused(true);
    ConfigurationView view = ConfigurationView.of(paused, List.of(), NOW);
    assertThat(view.overdueSince()).isEmpty();
    assertThat(view.nextRun()).isNull();
  }
}
