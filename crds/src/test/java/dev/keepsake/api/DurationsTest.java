package dev.keepsake.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void specDurationsParse() {
    assertThat(Durations.parse("30m")).isEqualTo(Duration.ofMinutes(30));
    assertThat(Durations.parse("1h30m15s")).isEqualTo(Duration.ofSeconds(5415));
    assertThatThrownBy(() -> Durations.parse("half an hour"))
        .hasMessageContaining("write it like 90s, 30m or 1h30m");
  }

  @Test
  void durationsPrintShort() {
    assertThat(Durations.human(Duration.ofMillis(12_345))).isEqualTo("12.3s");
    assertThat(Durations.human(Duration.ofSeconds(72))).isEqualTo("1m12s");
    assertThat(Durations.human(Duration.ofSeconds(3723))).isEqualTo("1h2m3s");
  }
}
