package dev.keepsake.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonArray;
import dev.keepsake.api.ApiKind;
import dev.keepsake.api.BackupSession;
import dev.keepsake.api.SessionPhase;
import dev.keepsake.operator.app.Operator;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Pushgateway's groups follow the objects they are about, seen through a real Prometheus that
 * evaluates the chart's alerts: a deleted configuration's alert resolves, a paused one is not "too
 * old".
 */
@ExtendWith(LocalControlPlaneExtension.class)
class MetricsLifecycleTest {
  private static final String REDIS_PASSWORD = "metrics redis password";
  private static final String RESTIC_PASSWORD = "metrics restic password";
  private static Operator operator;
  private static KubeletStandIn kubelet;
  private static RedisServer redis;
  private static Pushgateway pushgateway;
  private static PrometheusServer prometheus;
  private static Path repositories;

  @BeforeAll
  static void startEverything(LocalControlPlane controlPlane, @TempDir Path work) throws Exception {
    redis = RedisServer.start(work.resolve("redis"), REDIS_PASSWORD);
    RedisDataSet.seed(redis);
    pushgateway = Pushgateway.start(Files.createDirectories(work.resolve("pushgateway")));
    repositories = Files.createDirectories(work.resolve("repositories"));
    // The chart's alerts, with "too old" meaning older than one second.
    String alerts =
        Files.readString(Project.root().resolve("charts/keepsake/files/alerts.yaml"))
            .replace("{{ .Values.prometheusRule.maxBackupAgeSeconds }}", "1")
            .replace("{{ \"{{\" }}", "{{")
            .replace("{{ \"}}\" }}", "}}");
    URI gateway = URI.create(pushgateway.url());
    prometheus =
        PrometheusServer.start(
            work.resolve("prometheus"),
            List.of(gateway.getHost() + ":" + gateway.getPort()),
            alerts);
    operator =
        new Operator(
                controlPlane.client(),
                controlPlane.watchClient(),
                TestOperators.settings(
                    "keepsake/runner:metrics", pushgateway.url(), 600, "keepsake-job"),
                Operator.loopback())
            .start();
    kubelet =
        KubeletStandIn.start(controlPlane, work.resolve("kubelet"), LocalTools.runnerEnvironment());
  }

  @AfterAll
  static void stopEverything() {
    kubelet.close();
    operator.close();
    prometheus.close();
    pushgateway.close();
    redis.close();
  }

  private static RedisScenario scenario(ApiClient client, TestNamespace namespace, String redisUrl)
      throws ApiException {
    RedisScenario scenario = new RedisScenario(client, namespace.name());
    scenario.setUp(
        redisUrl,
        REDIS_PASSWORD,
        RedisScenario.localRepository(repositories.resolve(namespace.name())),
        Map.of("RESTIC_PASSWORD", RESTIC_PASSWORD));
    scenario.configure("@daily", false);
    return scenario;
  }

  private static BackupSession backUp(
      ApiClient client, TestNamespace namespace, RedisScenario scenario, String name)
      throws ApiException {
    return scenario.backUpAndWait(name);
  }

  private static JsonArray result(String promql) {
    return prometheus.query(promql).getAsJsonObject("data").getAsJsonArray("result");
  }

  private static String firing(String alert, TestNamespace namespace) {
    return "ALERTS{alertname=\""
        + alert
        + "\", alertstate=\"firing\", namespace=\""
        + namespace.name()
        + "\"}";
  }

  @Test
  void aDeletedConfigurationsGroupGoesAndItsAlertResolves(ApiClient client, TestNamespace namespace)
      throws Exception {
    RedisScenario scenario = scenario(client, namespace, "redis://127.0.0.1:1");
    BackupSession failed = backUp(client, namespace, scenario, "failing");
    assertThat(failed.getStatus().getPhase()).isEqualTo(SessionPhase.Failed);
    Map<String, String> group =
        Map.of(
            "job",
            "keepsake-backup",
            "namespace",
            namespace.name(),
            "configuration",
            RedisScenario.CONFIGURATION);
    assertThat(pushgateway.value("keepsake_backup_success", group)).contains(0.0);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> result(firing("KeepsakeBackupFailed", namespace)).size() == 1);

    ApiKind.BACKUP_CONFIGURATION
        .api(client)
        .delete(namespace.name(), RedisScenario.CONFIGURATION)
        .throwsApiException();

    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> pushgateway.value("keepsake_backup_success", group).isEmpty());
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> result(firing("KeepsakeBackupFailed", namespace)).isEmpty());
    assertThat(pushgateway.metrics()).doesNotContain("namespace=\"" + namespace.name() + "\"");
  }

  @Test
  void aPausedConfigurationIsNotTooOld(ApiClient client, TestNamespace namespace) throws Exception {
    RedisScenario scenario = scenario(client, namespace, "redis://127.0.0.1:" + redis.port());
    BackupSession done = backUp(client, namespace, scenario, "first");
    assertThat(done.getStatus().getPhase())
        .as(done.getStatus().getMessage())
        .isEqualTo(SessionPhase.Succeeded);
    await().atMost(Duration.ofSeconds(60)).until(() -> tooOld(namespace) == 1);

    patchConfiguration(client, namespace, "{\"spec\":{\"paused\":true}}");

    Map<String, String> group =
        Map.of(
            "job",
            "keepsake-backup",
            "namespace",
            namespace.name(),
            "configuration",
            RedisScenario.CONFIGURATION);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> pushgateway.value("keepsake_backup_paused", group).orElse(0.0) == 1.0);
    await().atMost(Duration.ofSeconds(30)).until(() -> tooOld(namespace) == 0);
    assertThat(pushgateway.value("keepsake_backup_success", group))
        .as("the backup's own metrics stay")
        .contains(1.0);

    patchConfiguration(client, namespace, "{\"spec\":{\"paused\":false}}");
    await().atMost(Duration.ofSeconds(60)).until(() -> tooOld(namespace) == 1);
    assertThat(pushgateway.value("keepsake_backup_paused", group)).contains(0.0);

    // A schedule naming a date that never comes is the usual way to ask for backups by hand only:
    // such a configuration is not late either.
    patchConfiguration(client, namespace, "{\"spec\":{\"schedule\":\"0 0 31 2 *\"}}");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> pushgateway.value("keepsake_backup_paused", group).orElse(0.0) == 1.0);
    await().atMost(Duration.ofSeconds(30)).until(() -> tooOld(namespace) == 0);
  }

  @Test
  void aScheduledCheckShowsItsResultAndAFailingOneFiresItsAlert(
      ApiClient client, TestNamespace namespace) throws Exception {
    RedisScenario scenario = scenario(client, namespace, "redis://127.0.0.1:" + redis.port());
    BackupSession done = backUp(client, namespace, scenario, "first");
    assertThat(done.getStatus().getPhase())
        .as(done.getStatus().getMessage())
        .isEqualTo(SessionPhase.Succeeded);

    ApiKind.REPOSITORY
        .api(client)
        .patch(
            namespace.name(),
            RedisScenario.REPOSITORY,
            V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
            new V1Patch(
                "{\"spec\":{\"check\":{\"schedule\":\"* * * * *\",\"readDataSubset\":\"100%\"}}}"))
        .throwsApiException();
    dev.keepsake.api.Repository passed =
        await()
            .atMost(Duration.ofSeconds(150))
            .pollInterval(Duration.ofSeconds(1))
            .ignoreExceptions()
            .until(
                () ->
                    ApiKind.REPOSITORY
                        .api(client)
                        .get(namespace.name(), RedisScenario.REPOSITORY)
                        .getObject(),
                r -> r.getStatus().getLastCheckResult() != null);

    assertThat(passed.getStatus().getLastCheckResult())
        .as(passed.getStatus().getLastCheckMessage())
        .isEqualTo("Passed");
    assertThat(passed.getStatus().getLastCheckMessage())
        .contains("has no errors (data subset 100% read)");
    assertThat(passed.getStatus().getConditions())
        .anySatisfy(
            c -> {
              assertThat(c.getType()).isEqualTo("CheckScheduled");
              assertThat(c.getStatus()).isEqualTo("True");
              assertThat(c.getMessage())
                  .startsWith("CronJob keepsake-check-backups runs restic check every minute");
            });
    Map<String, String> group =
        Map.of(
            "job",
            "keepsake-check",
            "namespace",
            namespace.name(),
            "repository",
            RedisScenario.REPOSITORY);
    assertThat(pushgateway.value("keepsake_check_success", group)).contains(1.0);

    // Bit rot in a pack file: the next check, which reads all data, must say so. (A missing file
    // would
    // also be found, after restic's retries with back-off, which take minutes.)
    Path data = repositories.resolve(namespace.name()).resolve("data");
    try (var files = Files.walk(data)) {
      Path pack = files.filter(Files::isRegularFile).findFirst().orElseThrow();
      byte[] bytes = Files.readAllBytes(pack);
      for (int i = 0; i < bytes.length; i += 64) {
        bytes[i] ^= (byte) 0x5a;
      }
      pack.toFile().setWritable(true);
      Files.write(pack, bytes);
    }
    var lastPass = passed.getStatus().getLastCheckTime();
    dev.keepsake.api.Repository failed =
        await()
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofSeconds(1))
            .ignoreExceptions()
            .until(
                () ->
                    ApiKind.REPOSITORY
                        .api(client)
                        .get(namespace.name(), RedisScenario.REPOSITORY)
                        .getObject(),
                r -> r.getStatus().getLastCheckTime().isAfter(lastPass));

    assertThat(failed.getStatus().getLastCheckResult()).isEqualTo("Failed");
    assertThat(failed.getStatus().getLastCheckMessage())
        .isNotBlank()
        .doesNotContain(RESTIC_PASSWORD);
    assertThat(pushgateway.value("keepsake_check_success", group)).contains(0.0);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> result(firing("KeepsakeRepositoryCheckFailing", namespace)).size() == 1);
    Eventually.eventually(
        Duration.ofSeconds(30),
        () ->
            assertThat(
                    new io.kubernetes.client.openapi.apis.CoreV1Api(client)
                        .listNamespacedEvent(namespace.name())
                        .fieldSelector("involvedObject.name=" + RedisScenario.REPOSITORY)
                        .execute()
                        .getItems())
                .anyMatch(
                    e ->
                        "CheckFailed".equals(e.getReason())
                            && e.getMessage()
                                .startsWith(
                                    failed.getStatus().getLastCheckMessage().substring(0, 40))));

    ApiKind.REPOSITORY
        .api(client)
        .patch(
            namespace.name(),
            RedisScenario.REPOSITORY,
            V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
            new V1Patch("{\"spec\":{\"check\":null}}"))
        .throwsApiException();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                new io.kubernetes.client.openapi.apis.BatchV1Api(client)
                    .listNamespacedCronJob(namespace.name()).execute().getItems().stream()
                        .noneMatch(
                            c -> c.getMetadata().getName().equals("keepsake-check-backups")));
  }

  /**
   * How many series of this namespace the chart's KeepsakeBackupTooOld expression (with its
   * one-second age) returns.
   */
  private static void patchConfiguration(
      ApiClient client, TestNamespace namespace, String mergePatch) throws ApiException {
    ApiKind.BACKUP_CONFIGURATION
        .api(client)
        .patch(
            namespace.name(),
            RedisScenario.CONFIGURATION,
            V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
            new V1Patch(mergePatch))
        .throwsApiException();
  }

  private static long tooOld(TestNamespace namespace) throws Exception {
    String alerts = Files.readString(Project.root().resolve("charts/keepsake/files/alerts.yaml"));
    int at = alerts.indexOf("alert: KeepsakeBackupTooOld");
    String expression =
        alerts
            .substring(
                alerts.indexOf("expr: |", at) + "expr: |".length(), alerts.indexOf("for:", at))
            .strip()
            .replace("{{ .Values.prometheusRule.maxBackupAgeSeconds }}", "1");
    JsonArray series = result(expression);
    return java.util.stream.StreamSupport.stream(series.spliterator(), false)
        .filter(
            e ->
                namespace
                    .name()
                    .equals(
                        e.getAsJsonObject()
                            .getAsJsonObject("metric")
                            .get("namespace")
                            .getAsString()))
        .count();
  }
}
