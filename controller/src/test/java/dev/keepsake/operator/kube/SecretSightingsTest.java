package dev.keepsake.operator.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SecretSightingsTest {
  private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");
  private final SecretSightings sightings = new SecretSightings();

  @Test
  void aSecretFoundIsTakenAsThereOnlyForAsLongAsTheAskerAllows() {
    sightings.found("shop", "creds", T0);

    assertThat(sightings.foundWithin("shop", "creds", Duration.ofMinutes(1), T0.plusSeconds(60)))
        .isTrue();
    assertThat(sightings.foundWithin("shop", "creds", Duration.ofMinutes(1), T0.plusSeconds(61)))
        .as("a session's check reads it again after a minute")
        .isFalse();
    assertThat(sightings.foundWithin("shop", "creds", Duration.ofMinutes(10), T0.plusSeconds(61)))
        .as("the Repository's own check takes ten")
        .isTrue();
  }

  @Test
  void aSecretFoundMissingIsForgottenAndAnotherNamespacesIsAnotherSecret() {
    sightings.found("shop", "creds", T0);
    sightings.missing("shop", "creds");

    assertThat(sightings.foundWithin("shop", "creds", Duration.ofMinutes(10), T0)).isFalse();
    sightings.found("shop", "creds", T0);
    assertThat(sightings.foundWithin("blog", "creds", Duration.ofMinutes(10), T0)).isFalse();
    assertThat(sightings.foundWithin("shop", "creds-2", Duration.ofMinutes(10), T0)).isFalse();
  }

  @Test
  void sightingsOlderThanAnyFreshnessAreLetGo() {
    for (int i = 0; i < 1000; i++) {
      sightings.found("ns-" + i, "creds", T0);
    }
    sightings.found("late", "creds", T0.plus(SecretSightings.KEPT).plusSeconds(1));

    assertThat(sightings.size()).isEqualTo(1);
  }
}
