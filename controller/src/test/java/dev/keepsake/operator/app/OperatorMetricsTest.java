package dev.keepsake.operator.app;

import static org.assertj.core.api.Assertions.assertThat;

import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

class OperatorMetricsTest {
  private static String resource(String path) {
    return OperatorMetrics.resourceOf(HttpUrl.get("https://127.0.0.1:6443" + path));
  }

  @Test
  void aRequestIsCountedByTheResourceItNames() {
    assertThat(
            resource("/apis/keepsake.dev/v1alpha1/namespaces/shop/backupsessions/nightly/status"))
        .isEqualTo("backupsessions/status");
    assertThat(resource("/apis/keepsake.dev/v1alpha1/namespaces/shop/backupsessions"))
        .isEqualTo("backupsessions");
    assertThat(resource("/apis/keepsake.dev/v1alpha1/backupconfigurations"))
        .isEqualTo("backupconfigurations");
    assertThat(resource("/apis/batch/v1/namespaces/shop/jobs/keepsake-backup-x")).isEqualTo("jobs");
    assertThat(resource("/api/v1/namespaces/shop/events")).isEqualTo("events");
    assertThat(resource("/api/v1/namespaces/shop")).isEqualTo("namespaces");
    assertThat(resource("/api/v1/namespaces")).isEqualTo("namespaces");
  }
}
