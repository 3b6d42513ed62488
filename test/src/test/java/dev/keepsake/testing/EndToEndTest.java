package dev.keepsake.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keepsake.api.ApiKind;
import dev.keepsake.api.BackupSession;
import dev.keepsake.api.Repository;
import dev.keepsake.api.RestoreSession;
import dev.keepsake.api.SessionPhase;
import dev.keepsake.operator.app.Operator;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.BatchV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1CronJob;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Secret;
import java.io.IOException;
import java.nio.ByteBuffer;
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
import redis.clients.jedis.Jedis;

/**
 * The whole system on the local control plane: the operator, the real Job and CronJob controllers,
 * the kubelet stand-in running pods as local processes, a real Redis, restic repositories on a
 * local folder and on S3, and a Pushgateway.
 */
@ExtendWith(LocalControlPlaneExtension.class)
class EndToEndTest {
  private static final String REDIS_PASSWORD = "e2e redis password";
  private static final String RESTIC_PASSWORD = "e2e restic password";
  private static Operator operator;
  private static KubeletStandIn kubelet;
  private static RedisServer redis;
  private static S3Server s3;
  private static Pushgateway pushgateway;
  private static Path repositories;
  private static Map<ByteBuffer, RedisDataSet.Entry> seeded;

  @BeforeAll
  static void startEverything(LocalControlPlane controlPlane, @TempDir Path work)
      throws IOException {
    redis = RedisServer.start(work.resolve("redis"), REDIS_PASSWORD);
    s3 = S3Server.start(work.resolve("s3"));
    pushgateway = Pushgateway.start(Files.createDirectories(work.resolve("pushgateway")));
    repositories = Files.createDirectories(work.resolve("repositories"));
    RedisDataSet.seed(redis);
    seeded = RedisDataSet.read(redis, 0);
    operator =
        new Operator(
                controlPlane.client(),
                controlPlane.watchClient(),
                TestOperators.settings(
                    "keepsake/runner:e2e", pushgateway.url(), 600, "keepsake-job"),
                Operator.loopback())
            .start();
    kubelet =
        KubeletStandIn.start(controlPlane, work.resolve("kubelet"), LocalTools.runnerEnvironment());
  }

  @AfterAll
  static void stopEverything() {
    kubelet.close();
    operator.close();
    pushgateway.close();
    s3.close();
    redis.close();
  }

  private static RedisScenario setUp(
      ApiClient client, TestNamespace namespace, boolean s3Repository) throws Exception {
    RedisScenario scenario = new RedisScenario(client, namespace.name());
    scenario.setUp(
        redis,
        s3Repository
            ? RedisScenario.s3Repository(s3.endpoint(), namespace.name())
            : RedisScenario.localRepository(repositories.resolve(namespace.name())),
        Map.of(
            "RESTIC_PASSWORD",
            RESTIC_PASSWORD,
            "AWS_ACCESS_KEY_ID",
            S3Server.ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY",
            S3Server.SECRET_KEY));
    return scenario;
  }

  private static BackupSession session(ApiClient client, TestNamespace namespace, String name)
      throws ApiException {
    return ApiKind.BACKUP_SESSION
        .api(client)
        .get(namespace.name(), name)
        .throwsApiException()
        .getObject();
  }

  private static List<BackupSession> sessions(ApiClient client, TestNamespace namespace)
      throws ApiException {
    return ApiKind.BACKUP_SESSION
        .api(client)
        .list(namespace.name())
        .throwsApiException()
        .getObject()
        .getItems();
  }

  private static SessionPhase phase(BackupSession session) {
    return session.getStatus() == null ? null : session.getStatus().getPhase();
  }

  private static BackupSession awaitFinished(
      ApiClient client, TestNamespace namespace, String name) {
    return Eventually.finished(client, namespace.name(), name, Duration.ofMinutes(3));
  }

  private static RestoreSession restore(ApiClient client, TestNamespace namespace, String name)
      throws ApiException {
    new RedisScenario(client, namespace.name()).restoreLatest(name);
    return Eventually.restored(client, namespace.name(), name, Duration.ofMinutes(3));
  }

  private static void flushRedis() {
    try (Jedis jedis = RedisDataSet.connect(redis, 0)) {
      jedis.flushAll();
    }
  }

  private static Map<String, String> group(TestNamespace namespace) {
    return Map.of(
        "job",
        "keepsake-backup",
        "namespace",
        namespace.name(),
        "configuration",
        RedisScenario.CONFIGURATION);
  }

  private static List<String> eventReasons(ApiClient client, TestNamespace namespace, String object)
      throws ApiException {
    return ObjectEvents.reasons(client, namespace.name(), object);
  }

  @Test
  void aScheduledBackupRunsEndToEndAndARestoreBringsTheDataBack(
      ApiClient client, TestNamespace namespace) throws Exception {
    RedisScenario scenario = setUp(client, namespace, false);
    scenario.configure("* * * * *", false);

    // The CronJob fires at the next minute; its pod's `keepsake trigger` creates the session.
    BackupSession scheduled =
        await()
            .atMost(Duration.ofSeconds(150))
            .pollInterval(Duration.ofSeconds(1))
            .until(() -> sessions(client, namespace), list -> !list.isEmpty())
            .get(0);
    assertThat(scheduled.getSpec().getTrigger()).isEqualTo("Scheduled");
    BackupSession done = awaitFinished(client, namespace, scheduled.getMetadata().getName());
    scenario.configure("* * * * *", true);

    assertThat(phase(done)).as(done.getStatus().getMessage()).isEqualTo(SessionPhase.Succeeded);
    assertThat(done.getStatus().getSnapshotId()).isNotBlank();
    assertThat(done.getStatus().getBytesProcessed()).isPositive();
    assertThat(done.getStatus().getMessage()).contains("snapshot");
    assertThat(pushgateway.value("keepsake_backup_success", group(namespace))).contains(1.0);
    assertThat(pushgateway.value("keepsake_backup_bytes_processed", group(namespace)))
        .hasValueSatisfying(
            bytes ->
                assertThat(bytes).isEqualTo(done.getStatus().getBytesProcessed().doubleValue()));
    assertThat(pushgateway.metrics()).doesNotContain(RESTIC_PASSWORD, REDIS_PASSWORD);
    Repository repository =
        await()
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptions()
            .until(
                () ->
                    ApiKind.REPOSITORY
                        .api(client)
                        .get(namespace.name(), RedisScenario.REPOSITORY)
                        .getObject(),
                r -> r.getStatus() != null && r.getStatus().getSnapshotCount() != null);
    assertThat(repository.getStatus().getSnapshotCount()).isPositive();
    assertThat(repository.getStatus().getLastBackupSession())
        .endsWith("/" + scheduled.getMetadata().getName());
    try (var snapshots = Files.list(repositories.resolve(namespace.name()).resolve("snapshots"))) {
      assertThat(snapshots.map(file -> file.getFileName().toString()))
          .as(
              "the session names a snapshot the repository holds (its tags are added after the backup)")
          .anyMatch(id -> id.startsWith(done.getStatus().getSnapshotId()));
    }
    assertThat(done.getStatus().getMessage())
        .contains("snapshot " + done.getStatus().getSnapshotId());

    flushRedis();
    RestoreSession restored = restore(client, namespace, "redis-back");

    assertThat(restored.getStatus().getPhase())
        .as(restored.getStatus().getMessage())
        .isEqualTo(SessionPhase.Succeeded);
    assertThat(valuesOf(RedisDataSet.read(redis, 0))).isEqualTo(valuesOf(seeded));
  }

  @Test
  void aManualBackupIntoS3AndItsRestore(ApiClient client, TestNamespace namespace)
      throws Exception {
    RedisScenario scenario = setUp(client, namespace, true);
    scenario.configure("@daily", false);
    scenario.backUpNow("manual");

    BackupSession done = awaitFinished(client, namespace, "manual");
    assertThat(phase(done)).as(done.getStatus().getMessage()).isEqualTo(SessionPhase.Succeeded);
    assertThat(done.getStatus().getMessage()).contains("s3:" + s3.endpoint());
    flushRedis();
    RestoreSession restored = restore(client, namespace, "from-s3");

    assertThat(restored.getStatus().getPhase())
        .as(restored.getStatus().getMessage())
        .isEqualTo(SessionPhase.Succeeded);
    assertThat(valuesOf(RedisDataSet.read(redis, 0))).isEqualTo(valuesOf(seeded));
  }

  /** Every key's type and value; TTLs are compared in CatalogRedisTest. */
  private static Map<ByteBuffer, List<Object>> valuesOf(Map<ByteBuffer, RedisDataSet.Entry> data) {
    Map<ByteBuffer, List<Object>> values = new java.util.HashMap<>();
    data.forEach((key, entry) -> values.put(key, List.of(entry.type(), entry.value())));
    return values;
  }

  @Test
  void aWrongRepositoryPasswordFailsTheSessionWhereTheUserLooks(
      ApiClient client, TestNamespace namespace) throws Exception {
    RedisScenario scenario = setUp(client, namespace, false);
    scenario.configure("@daily", false);
    assertThat(
            phase(
                awaitFinished(
                    client, namespace, scenario.backUpNow("first").getMetadata().getName())))
        .isEqualTo(SessionPhase.Succeeded);
    new CoreV1Api(client)
        .replaceNamespacedSecret(
            "repository-credentials",
            namespace.name(),
            new V1Secret()
                .metadata(new V1ObjectMeta().name("repository-credentials"))
                .stringData(Map.of("RESTIC_PASSWORD", "a guessed password")))
        .execute();

    scenario.backUpNow("second");
    BackupSession failed = awaitFinished(client, namespace, "second");

    assertThat(phase(failed)).isEqualTo(SessionPhase.Failed);
    assertThat(failed.getStatus().getReason()).isEqualTo("WrongPassword");
    assertThat(failed.getStatus().getMessage())
        .contains("password")
        .doesNotContain("a guessed password");
    Eventually.eventually(
        Duration.ofSeconds(30),
        () -> assertThat(eventReasons(client, namespace, "second")).contains("WrongPassword"));
    assertThat(pushgateway.value("keepsake_backup_success", group(namespace))).contains(0.0);
    assertThat(pushgateway.value("keepsake_backup_failures_total", group(namespace))).contains(1.0);
  }

  @Test
  void aSecondSessionWhileOneRunsIsSkippedAndAPausedScheduleMakesNone(
      ApiClient client, TestNamespace namespace) throws Exception {
    RedisScenario scenario = setUp(client, namespace, false);
    scenario.configure("* * * * *", true);
    scenario.backUpNow("running");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                phase(session(client, namespace, "running")) == SessionPhase.Running
                    || phase(session(client, namespace, "running")) == SessionPhase.Skipped);
    assertThat(phase(session(client, namespace, "running")))
        .as("a paused configuration skips its sessions")
        .isEqualTo(SessionPhase.Skipped);

    scenario.configure("* * * * *", false);
    scenario.backUpNow("first");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> phase(session(client, namespace, "first")) == SessionPhase.Running);
    scenario.backUpNow("overlapping");

    BackupSession skipped = awaitFinished(client, namespace, "overlapping");
    assertThat(phase(skipped)).isEqualTo(SessionPhase.Skipped);
    assertThat(skipped.getStatus().getReason()).isEqualTo("AnotherSessionRunning");
    assertThat(phase(awaitFinished(client, namespace, "first"))).isEqualTo(SessionPhase.Succeeded);

    scenario.configure("* * * * *", true);
    // A run the schedule started before the pause still makes its session (Skipped, as above).
    BatchV1Api batch = new BatchV1Api(client);
    String cronJob = "keepsake-" + RedisScenario.CONFIGURATION;
    await("the CronJob suspended, with no run of it still going")
        .atMost(Duration.ofSeconds(90))
        .until(
            () -> {
              V1CronJob current = batch.readNamespacedCronJob(cronJob, namespace.name()).execute();
              return Boolean.TRUE.equals(current.getSpec().getSuspend())
                  && (current.getStatus() == null
                      || current.getStatus().getActive() == null
                      || current.getStatus().getActive().isEmpty());
            });
    int before = sessions(client, namespace).size();
    // A minute and a bit: the every-minute schedule would have fired at least once.
    Eventually.throughout(
        Duration.ofSeconds(75),
        () ->
            assertThat(sessions(client, namespace))
                .as("no scheduled session while paused")
                .hasSize(before));
    assertThat(
            new BatchV1Api(client)
                .readNamespacedCronJob("keepsake-" + RedisScenario.CONFIGURATION, namespace.name())
                .execute()
                .getSpec()
                .getSuspend())
        .isTrue();
  }

  @Test
  void deletingTheConfigurationRemovesItsCronJobAndSessions(
      ApiClient client, TestNamespace namespace) throws Exception {
    RedisScenario scenario = setUp(client, namespace, false);
    scenario.configure("@daily", false);
    assertThat(
            phase(
                awaitFinished(
                    client,
                    namespace,
                    scenario.backUpNow("kept-until-deleted").getMetadata().getName())))
        .isEqualTo(SessionPhase.Succeeded);
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () ->
                new BatchV1Api(client)
                        .readNamespacedCronJob(
                            "keepsake-" + RedisScenario.CONFIGURATION, namespace.name())
                        .execute()
                    != null);

    ApiKind.BACKUP_CONFIGURATION
        .api(client)
        .delete(namespace.name(), RedisScenario.CONFIGURATION)
        .throwsApiException();

    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                new BatchV1Api(client)
                        .listNamespacedCronJob(namespace.name())
                        .execute()
                        .getItems()
                        .isEmpty()
                    && sessions(client, namespace).isEmpty());
    assertThat(Files.list(repositories.resolve(namespace.name()).resolve("snapshots")).count())
        .as("snapshots are kept")
        .isPositive();
  }
}
