package dev.keepsake.runner.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsTest {
  @Test
  void thePreviousValueIsTheOneOfThisGroup() {
    Metrics metrics =
        new Metrics(
            "http://unused",
            "keepsake-backup",
            Map.of("namespace", "demo", "configuration", "redis"));
    String exposition =
        """
        # TYPE keepsake_backup_failures_total gauge
        keepsake_backup_failures_total{configuration="postgres",instance="",job="keepsake-backup",namespace="demo"} 7
        keepsake_backup_failures_total{configuration="redis",instance="",job="keepsake-backup",namespace="demo"} 2
        keepsake_backup_failures_total{configuration="redis",instance="",job="keepsake-backup",namespace="other"} 5
        """;

    assertThat(metrics.valueIn(exposition, "keepsake_backup_failures_total")).isEqualTo(2.0);
    assertThat(metrics.valueIn(exposition, "keepsake_backup_success")).isZero();
  }
}
