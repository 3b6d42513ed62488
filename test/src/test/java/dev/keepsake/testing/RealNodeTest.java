package dev.keepsake.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keepsake.api.ApiKind;
import dev.keepsake.api.BackupSession;
import dev.keepsake.api.RestoreSession;
import dev.keepsake.api.SessionPhase;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesApi;
import io.kubernetes.client.util.generic.dynamic.Dynamics;
import io.kubernetes.client.util.generic.options.CreateOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Keepsake as a user runs it, on a real kubelet and containerd: the chart installed with helm and
 * the project's own images, the operator in a pod, Redis in a pod behind a Service, the S3 server
 * and Pushgateway reached through Services by their DNS names, and every backup and restore a Job
 * whose pod runs the addon's image as user 65532 on a read-only root file system.
 */
@ExtendWith(RealNodeExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RealNodeTest {
  private static final String SYSTEM = "keepsake-system";
  private static final String INFRA = "keepsake-infra";
  private static final String REDIS_PASSWORD = "real-node-redis-password";
  private static final String RESTIC_PASSWORD = "real-node-restic-password";
  private static final String POSTGRES_PASSWORD = "real-node-postgres-password";
  private static final String MARIADB_PASSWORD = "real-node-mariadb-password";
  private static final Duration SESSION_TIMEOUT = Duration.ofMinutes(4);

  private static LocalControlPlane cluster;
  private static ApiClient client;
  private static S3Server s3;
  private static Path s3Data;
  private static Pushgateway pushgateway;

  @BeforeAll
  static void installTheChart(LocalControlPlane controlPlane, @TempDir Path work) throws Exception {
    cluster = controlPlane;
    client = controlPlane.client();
    s3Data = work.resolve("s3/data");
    s3 = S3Server.start(work.resolve("s3"), LocalNode.NODE_IP);
    pushgateway =
        Pushgateway.start(
            java.nio.file.Files.createDirectories(work.resolve("pushgateway")), LocalNode.NODE_IP);
    cluster.createNamespaceNamed(INFRA);
    ClusterPods.serviceOutsideTheCluster(client, INFRA, "s3", URI.create(s3.endpoint()).getPort());
    ClusterPods.serviceOutsideTheCluster(
        client, INFRA, "pushgateway", URI.create(pushgateway.url()).getPort());

    String output =
        Processes.output(
            List.of(
                LocalTools.helm().toString(),
                "install",
                "keepsake",
                Project.root().resolve("charts/keepsake").toString(),
                "--kubeconfig",
                cluster.kubeconfig().toString(),
                "--namespace",
                SYSTEM,
                "--create-namespace",
                "--wait",
                "--timeout",
                "4m",
                "--set",
                "image.pullPolicy=Never",
                "--set",
                "pushgateway.enabled=false",
                "--set",
                "pushgateway.url=http://pushgateway."
                    + INFRA
                    + ".svc:"
                    + URI.create(pushgateway.url()).getPort()),
            Map.of(),
            new byte[0]);
    System.err.println(
        "[real-node] "
            + output.lines().filter(line -> line.startsWith("STATUS")).findFirst().orElse(output));
    V1Deployment operator =
        new AppsV1Api(client).readNamespacedDeployment("keepsake", SYSTEM).execute();
    assertThat(operator.getStatus().getAvailableReplicas()).isEqualTo(1);
  }

  @AfterAll
  static void stopServers() {
    if (s3 != null) {
      s3.close();
    }
    if (pushgateway != null) {
      pushgateway.close();
    }
  }

  @Test
  @Order(1)
  void theOperatorRunsAsAPodOfItsOwnImageWithTheChartsSecuritySettings() throws ApiException {
    V1Pod operator =
        new CoreV1Api(client)
            .listNamespacedPod(SYSTEM)
            .labelSelector("app.kubernetes.io/name=keepsake")
            .execute()
            .getItems()
            .get(0);

    assertThat(operator.getStatus().getPhase()).isEqualTo("Running");
    assertThat(operator.getSpec().getContainers().get(0).getImage())
        .isEqualTo("keepsake/operator:" + Project.version());
    assertThat(operator.getSpec().getSecurityContext().getRunAsUser()).isEqualTo(65532L);
    assertThat(
            operator
                .getSpec()
                .getContainers()
                .get(0)
                .getSecurityContext()
                .getReadOnlyRootFilesystem())
        .isTrue();
    assertThat(operator.getSpec().getNodeName()).isEqualTo(LocalNode.NODE_NAME);
  }

  @Test
  @Order(2)
  void aScheduledRedisBackupRunsInRealPodsIntoS3AndRestoresIntoAnEmptiedServer() throws Exception {
    String namespace = cluster.createNamespace("shop");
    RedisServer redis = redisPod(namespace);
    RedisDataSet.seed(redis);
    Map<ByteBuffer, RedisDigest.Key> before0 = RedisDigest.read(redis, 0);
    Map<ByteBuffer, RedisDigest.Key> before2 = RedisDigest.read(redis, 2);
    RedisScenario scenario = backUpIntoS3(namespace);

    scenario.configure("* * * * *", false);
    BackupSession scheduled =
        await()
            .atMost(Duration.ofMinutes(3))
            .pollInterval(Duration.ofSeconds(2))
            .ignoreExceptions()
            .until(() -> firstFinishedSession(namespace), session -> session != null);
    scenario.configure("* * * * *", true);

    assertThat(scheduled.getStatus().getPhase())
        .as(scheduled.getStatus().getMessage())
        .isEqualTo(SessionPhase.Succeeded);
    assertThat(scheduled.getSpec().getTrigger()).hasToString("Scheduled");
    assertThat(scheduled.getStatus().getSnapshotId()).isNotBlank();
    assertThat(scheduled.getStatus().getMessage()).contains("s3:http://s3." + INFRA + ".svc");
    assertThat(
            pushgateway.value(
                "keepsake_backup_success",
                Map.of(
                    "job",
                    "keepsake-backup",
                    "namespace",
                    namespace,
                    "configuration",
                    RedisScenario.CONFIGURATION)))
        .contains(1.0);

    try (Jedis jedis = RedisDataSet.connect(redis, 0)) {
      jedis.flushAll();
    }
    scenario.restoreLatest("restore-1");
    RestoreSession restore = Eventually.restored(client, namespace, "restore-1", SESSION_TIMEOUT);

    assertThat(restore.getStatus().getPhase())
        .as(restore.getStatus().getMessage())
        .isEqualTo(SessionPhase.Succeeded);
    assertThat(RedisDigest.differences(before0, RedisDigest.read(redis, 0), 120_000)).isEmpty();
    assertThat(RedisDigest.differences(before2, RedisDigest.read(redis, 2), 120_000)).isEmpty();
  }

  @Test
  @Order(3)
  void aContainerThatCannotStartOrRunsOutOfMemoryIsExplainedInTheSession() throws Exception {
    String namespace = cluster.createNamespace("troubles");
    RedisServer redis = redisPod(namespace);
    redis.cli("SET", "greeting", "hello");
    RedisScenario scenario = backUpIntoS3(namespace);
    scenario.configure("@daily", false);

    ApiKind.BACKUP_CONFIGURATION
        .api(client)
        .patch(
            namespace,
            RedisScenario.CONFIGURATION,
            io.kubernetes.client.custom.V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
            new io.kubernetes.client.custom.V1Patch(
                "{\"spec\":{\"runtimeSettings\":{\"resources\":{\"limits\":{\"memory\":\"20Mi\"}}}}}"))
        .throwsApiException();
    awaitObserved(namespace);
    scenario.backUpNow("out-of-memory");
    BackupSession oom = awaitFinished(namespace, "out-of-memory");
    assertThat(oom.getStatus().getPhase()).isEqualTo(SessionPhase.Failed);
    assertThat(oom.getStatus().getMessage())
        .contains(
            "killed for exceeding its memory limit of 20Mi",
            "OOMKilled",
            "spec.runtimeSettings.resources.limits.memory");

    ApiKind.BACKUP_CONFIGURATION
        .api(client)
        .patch(
            namespace,
            RedisScenario.CONFIGURATION,
            io.kubernetes.client.custom.V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
            new io.kubernetes.client.custom.V1Patch("{\"spec\":{\"runtimeSettings\":null}}"))
        .throwsApiException();
    awaitObserved(namespace);
    ApiKind.FUNCTION
        .api(client)
        .patch(
            namespace,
            "redis-backup-7",
            io.kubernetes.client.custom.V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
            new io.kubernetes.client.custom.V1Patch(
                "{\"spec\":{\"image\":\"keepsake/redis-8:" + Project.version() + "\"}}"))
        .throwsApiException();
    // Functions carry no status to show the operator saw the change: a session made before its
    // cache
    // has it would still use the old image, so the next one is tried until one does.
    int[] attempt = {0};
    BackupSession wrongImage =
        Eventually.eventually(
            Duration.ofMinutes(3),
            () -> {
              String name = "wrong-image-" + ++attempt[0];
              scenario.backUpNow(name);
              return awaitFinished(namespace, name);
            },
            session -> session.getStatus().getPhase() == SessionPhase.Failed);
    assertThat(wrongImage.getStatus().getPhase()).isEqualTo(SessionPhase.Failed);
    assertThat(wrongImage.getStatus().getMessage())
        .contains("cannot pull image keepsake/redis-8:" + Project.version());
    assertThat(List.of("ImagePullBackOff", "ErrImagePull"))
        .contains(wrongImage.getStatus().getReason());
    var jobs = new io.kubernetes.client.openapi.apis.BatchV1Api(client);
    String jobName = wrongImage.getStatus().getJobName();
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(
                        jobs.readNamespacedJob(jobName, namespace).execute().getSpec().getSuspend())
                    .as("the Job is kept, suspended")
                    .isTrue());
    try {
      await()
          .atMost(Duration.ofSeconds(90))
          .until(
              () ->
                  new CoreV1Api(client)
                      .listNamespacedPod(namespace)
                      .labelSelector("batch.kubernetes.io/job-name=" + jobName)
                      .execute()
                      .getItems()
                      .isEmpty());
    } catch (org.awaitility.core.ConditionTimeoutException stillThere) {
      throw new AssertionError(
          "the suspended Job's pod is still there: "
              + io.kubernetes.client.openapi.JSON.serialize(
                  new CoreV1Api(client)
                      .listNamespacedPod(namespace)
                      .labelSelector("batch.kubernetes.io/job-name=" + jobName)
                      .execute()
                      .getItems()
                      .get(0)
                      .getStatus()),
          stillThere);
    }
  }

  /**
   * The Redis addon, an AppBinding to the namespace's Redis Service and a Repository on S3, by DNS
   * names.
   */
  private static RedisScenario backUpIntoS3(String namespace) throws ApiException {
    RedisScenario scenario = new RedisScenario(client, namespace);
    scenario.setUp(
        "redis://redis." + namespace + ".svc:6379",
        REDIS_PASSWORD,
        RedisScenario.s3Repository(
            "http://s3." + INFRA + ".svc:" + URI.create(s3.endpoint()).getPort(), namespace),
        Map.of(
            "RESTIC_PASSWORD",
            RESTIC_PASSWORD,
            "AWS_ACCESS_KEY_ID",
            S3Server.ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY",
            S3Server.SECRET_KEY));
    return scenario;
  }

  /**
   * Until the operator has seen the configuration's last change, so the next session is built from
   * it.
   */
  private static void awaitObserved(String namespace) {
    Eventually.eventually(
        Duration.ofSeconds(30),
        () -> {
          var configuration =
              ApiKind.BACKUP_CONFIGURATION
                  .api(client)
                  .get(namespace, RedisScenario.CONFIGURATION)
                  .getObject();
          assertThat(configuration.getStatus().getObservedGeneration())
              .isEqualTo(configuration.getMetadata().getGeneration());
        });
  }

  private static boolean finished(dev.keepsake.api.Resource<?, ?, ?> session) {
    Object status = session.getStatus();
    SessionPhase phase =
        status instanceof dev.keepsake.api.BackupSessionStatus b
            ? b.getPhase()
            : status instanceof dev.keepsake.api.RestoreSessionStatus r ? r.getPhase() : null;
    return phase != null && phase.isFinished();
  }

  private static BackupSession awaitFinished(String namespace, String name) {
    return Eventually.finished(client, namespace, name, SESSION_TIMEOUT);
  }

  private static BackupSession firstFinishedSession(String namespace) throws ApiException {
    List<BackupSession> sessions =
        new ArrayList<>(
            ApiKind.BACKUP_SESSION
                .api(client)
                .list(namespace)
                .throwsApiException()
                .getObject()
                .getItems());
    sessions.sort(Comparator.comparing(s -> s.getMetadata().getCreationTimestamp()));
    // A session the schedule made while the first still ran is Skipped; it is not the one to look
    // at.
    return sessions.stream()
        .filter(RealNodeTest::finished)
        .filter(session -> session.getStatus().getPhase() != SessionPhase.Skipped)
        .findFirst()
        .orElse(null);
  }

  private static RedisServer redisPod(String namespace) throws ApiException {
    return ClusterPods.redis(client, namespace, REDIS_PASSWORD);
  }

  @Test
  @Order(4)
  void aScheduledPostgresBackupRunsInRealPodsAndRestoresDroppedDatabases() throws Exception {
    String namespace = cluster.createNamespace("pg");
    PostgresServer postgres = ClusterPods.postgres(client, namespace, "admin", POSTGRES_PASSWORD);
    postgres.sql("postgres", "CREATE DATABASE shop", "CREATE DATABASE analytics");
    postgres.sql(
        "shop",
        "CREATE TABLE customers (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE, name text)",
        "CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers(id),"
            + " amount numeric(12,2) NOT NULL CHECK (amount > 0), note text)",
        "INSERT INTO customers (email, name) SELECT 'c' || i || '@example.com', 'customer ' || i FROM generate_series(1, 20000) i",
        "INSERT INTO orders (customer_id, amount, note) SELECT 1 + i % 20000, (i % 997) + 0.99, md5(i::text)"
            + " FROM generate_series(1, 200000) i");
    postgres.sql(
        "analytics",
        "CREATE TABLE daily (day date PRIMARY KEY, visits integer NOT NULL)",
        "INSERT INTO daily SELECT date '2020-01-01' + i, i * 7 % 1000 FROM generate_series(0, 1999) i");
    ClusterPods.secret(
        client,
        namespace,
        "postgres-auth",
        Map.of("username", "admin", "password", POSTGRES_PASSWORD));
    scheduledBackupAndRestoreOfDroppedDatabases(
        namespace,
        "postgres",
        """
        type: postgres
        version: "15"
        clientConfig: {url: "postgresql://postgres.%s.svc:5432"}
        secret: {name: postgres-auth}
        parameters: {sslMode: disable}
        """
            .formatted(namespace),
        "-15",
        () -> postgresFingerprint(postgres),
        () -> postgres.sql("postgres", "DROP DATABASE shop", "DROP DATABASE analytics"),
        // Written pages reach the disk before the dump starts: a CHECKPOINT in the server's pod.
        "{preBackup: [{name: checkpoint, exec: {podSelector: {app: postgres}, command: [sh, -c,"
            + " 'PGPASSWORD=\"$POSTGRES_PASSWORD\" psql -h 127.0.0.1 -U \"$POSTGRES_USER\" -d postgres -v ON_ERROR_STOP=1"
            + " -c CHECKPOINT']}}]}",
        scheduled -> {
          assertThat(scheduled.getStatus().getHooks())
              .singleElement()
              .satisfies(
                  hook -> {
                    assertThat(hook.getPhase()).as(hook.getMessage()).isEqualTo("Succeeded");
                    assertThat(hook.getMessage())
                        .isEqualTo("sh exited with code 0 in pod postgres");
                    assertThat(hook.getOutput()).isEqualTo("CHECKPOINT");
                  });
          assertThat(
                  Long.parseLong(
                      postgres
                          .sql("postgres", "SELECT checkpoints_req FROM pg_stat_bgwriter")
                          .trim()))
              .as("requested checkpoints")
              .isPositive();
        });
  }

  @Test
  @Order(5)
  void aScheduledMariadbBackupRunsInRealPodsAndRestoresDroppedDatabases() throws Exception {
    String namespace = cluster.createNamespace("maria");
    MariadbServer mariadb = ClusterPods.mariadb(client, namespace, "admin", MARIADB_PASSWORD);
    mariadb.sql(
        "CREATE DATABASE shop",
        "CREATE DATABASE analytics",
        "CREATE TABLE shop.customers (id BIGINT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(200) NOT NULL UNIQUE, name TEXT)",
        "CREATE TABLE shop.orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, customer_id BIGINT NOT NULL, amount DECIMAL(12,2) NOT NULL,"
            + " note TEXT, FOREIGN KEY (customer_id) REFERENCES shop.customers(id))",
        "INSERT INTO shop.customers (email, name) SELECT CONCAT('c', seq, '@example.com'), CONCAT('customer ', seq) FROM shop.seq_1_to_20000",
        "INSERT INTO shop.orders (customer_id, amount, note) SELECT 1 + seq % 20000, (seq % 997) + 0.99, MD5(seq) FROM shop.seq_1_to_200000",
        "CREATE TABLE analytics.daily (day DATE PRIMARY KEY, visits INT NOT NULL)",
        "INSERT INTO analytics.daily SELECT DATE_ADD('2020-01-01', INTERVAL seq DAY), seq * 7 % 1000 FROM analytics.seq_0_to_1999");
    ClusterPods.secret(
        client,
        namespace,
        "mariadb-auth",
        Map.of("username", "admin", "password", MARIADB_PASSWORD));
    scheduledBackupAndRestoreOfDroppedDatabases(
        namespace,
        "mariadb",
        """
        type: mariadb
        version: "10.11"
        clientConfig: {url: "mysql://mariadb.%s.svc:3306"}
        secret: {name: mariadb-auth}
        """
            .formatted(namespace),
        "-10",
        () -> mariadbFingerprint(mariadb),
        () -> mariadb.sql("DROP DATABASE shop", "DROP DATABASE analytics"),
        "{}",
        scheduled -> {});
  }

  /**
   * The addon's backup Task on a schedule into S3, which must account for every table; then the
   * databases dropped and the newest snapshot restored, after which the server must hold what it
   * held.
   *
   * @param appBindingSpec the spec of an AppBinding named after the addon
   * @param taskSuffix the addon's Tasks are {@code <addon>-backup<suffix>} and {@code
   *     <addon>-restore<suffix>}
   */
  private static void scheduledBackupAndRestoreOfDroppedDatabases(
      String namespace,
      String addon,
      String appBindingSpec,
      String taskSuffix,
      java.util.function.Supplier<String> fingerprint,
      Runnable dropDatabases,
      String hooks,
      java.util.function.Consumer<BackupSession> hooksDid)
      throws Exception {
    String before = fingerprint.get();
    RedisScenario objects =
        addonInto(
            namespace,
            addon,
            """
        apiVersion: keepsake.dev/v1alpha1
        kind: AppBinding
        metadata: {name: %s}
        spec:
        %s"""
                .formatted(addon, appBindingSpec.indent(2)));
    String target = "{ref: {apiGroup: keepsake.dev, kind: AppBinding, name: " + addon + "}}";

    BackupSession scheduled =
        scheduledOnce(objects, namespace, target, addon + "-backup" + taskSuffix, hooks);
    assertThat(scheduled.getStatus().getPhase())
        .as(scheduled.getStatus().getMessage())
        .isEqualTo(SessionPhase.Succeeded);
    hooksDid.accept(scheduled);
    assertThat(scheduled.getStatus().getInventoryCheck()).contains("as many as the server holds");

    dropDatabases.run();
    RestoreSession restore =
        restore(
            objects,
            namespace,
            target,
            addon + "-restore" + taskSuffix,
            scheduled.getStatus().getSnapshotId());
    assertThat(restore.getStatus().getPhase())
        .as(restore.getStatus().getMessage())
        .isEqualTo(SessionPhase.Succeeded);
    assertThat(fingerprint.get()).isEqualTo(before);
  }

  @Test
  @Order(6)
  void aRunnerKilledInTheMiddleOfTheDumpWritesNoSnapshotAndKeepsTheEarlierOnes() throws Exception {
    String namespace = cluster.createNamespace("killed");
    RedisServer redis = redisPod(namespace);
    redis.cli("DEBUG", "POPULATE", "600000", "key", "100");
    RedisScenario scenario = backUpIntoS3(namespace);
    scenario.configure("@daily", false);
    scenario.backUpNow("first");
    BackupSession first = awaitFinished(namespace, "first");
    assertThat(first.getStatus().getPhase()).isEqualTo(SessionPhase.Succeeded);
    List<String> snapshotsBefore = snapshotFiles(namespace);
    assertThat(snapshotsBefore).hasSize(1);
    assertThat(snapshotsBefore.get(0))
        .as("the session names the snapshot the repository holds (after tagging)")
        .startsWith(first.getStatus().getSnapshotId());

    scenario.backUpNow("killed");
    await("the runner dumping keys")
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () ->
                redis
                    .cli("CLIENT", "LIST")
                    .lines()
                    .anyMatch(line -> line.matches(".* cmd=(scan|dump|pttl|type) .*")));
    // The dump cannot finish while Redis holds every client; the kill lands well within this.
    redis.cli("CLIENT", "PAUSE", "20000", "ALL");
    V1Pod pod =
        new CoreV1Api(client)
            .listNamespacedPod(namespace)
            .labelSelector("batch.kubernetes.io/job-name=keepsake-backup-killed")
            .execute()
            .getItems()
            .get(0);
    String running =
        java.util.stream.Stream.of(
                pod.getStatus().getInitContainerStatuses(), pod.getStatus().getContainerStatuses())
            .filter(java.util.Objects::nonNull)
            .flatMap(List::stream)
            .filter(status -> status.getState() != null && status.getState().getRunning() != null)
            .map(io.kubernetes.client.openapi.models.V1ContainerStatus::getContainerID)
            .findFirst()
            .orElseThrow();
    cluster.node().killContainer(running);

    BackupSession killed = awaitFinished(namespace, "killed");
    assertThat(killed.getStatus().getPhase()).isEqualTo(SessionPhase.Failed);
    assertThat(killed.getStatus().getReason()).isEqualTo("Killed");
    assertThat(killed.getStatus().getMessage())
        .contains(
            "was killed by SIGKILL (exit code 137) before it could report", "writes no snapshot");
    assertThat(killed.getStatus().getSnapshotId()).isNull();
    assertThat(snapshotFiles(namespace))
        .as("no snapshot of the cut-off dump, the earlier one intact")
        .isEqualTo(snapshotsBefore);

    // What a user investigating it with kubectl keepsake sees: the real pod's logs, step by step.
    PluginRun.User user = PluginRun.User.script(cluster.kubeconfig());
    PluginRun logs = user.run("logs", "killed", "-n", namespace);
    assertThat(logs.exit()).as(logs.toString()).isZero();
    assertThat(logs.out())
        .containsPattern("==> pod/keepsake-backup-killed-\\w+ step redis-backup-7: exited 137")
        .contains("streaming keepsake")
        .contains("==> backupsession/killed: Failed (Killed)");
    assertThat(lockFiles(namespace)).as("the killed runner's lock is left behind").hasSize(1);

    // restic would keep the killed pod's lock for 30 minutes and fail the retention's prune; the
    // next session's runner is told the Job ended, and removes it.
    scenario.backUpNow("after");
    BackupSession after = awaitFinished(namespace, "after");
    PluginRun afterLogs = user.run("logs", "after", "-n", namespace);
    assertThat(after.getStatus().getPhase())
        .as(afterLogs.toString())
        .isEqualTo(SessionPhase.Succeeded);
    assertThat(afterLogs.out())
        .containsPattern(
            "removed 1 lock\\(s\\) of Keepsake runners that have ended .*hosts: keepsake-backup-killed-\\w+");
    assertThat(snapshotFiles(namespace)).hasSize(2).containsAll(snapshotsBefore);
    assertThat(lockFiles(namespace)).isEmpty();
    PluginRun check =
        user.run("check", RedisScenario.REPOSITORY, "--read-data-subset", "100%", "-n", namespace);
    assertThat(check.exit()).as(check.toString()).isZero();
    assertThat(check.out()).contains("has no errors (data subset 100% read)");
  }

  @Test
  @Order(7)
  void aDeletedSecretFailsTheSessionNamingItAndStopsItsPod() throws Exception {
    // The chart's operator holds no right on Secrets: the kubelet finds the Secret missing, and
    // says so.
    String namespace = cluster.createNamespace("secretless");
    redisPod(namespace);
    RedisScenario scenario = backUpIntoS3(namespace);
    scenario.configure("@daily", false);
    new CoreV1Api(client)
        .deleteNamespacedSecret(RedisScenario.REPOSITORY_SECRET, namespace)
        .execute();

    scenario.backUpNow("no-secret");
    BackupSession session = awaitFinished(namespace, "no-secret");

    assertThat(session.getStatus().getPhase()).isEqualTo(SessionPhase.Failed);
    assertThat(session.getStatus().getReason()).isEqualTo("CreateContainerConfigError");
    assertThat(session.getStatus().getMessage())
        .startsWith("container redis-backup-7 cannot be created (CreateContainerConfigError): ")
        .contains("secret \"" + RedisScenario.REPOSITORY_SECRET + "\" not found");
    var job =
        new io.kubernetes.client.openapi.apis.BatchV1Api(client)
            .readNamespacedJob("keepsake-backup-no-secret", namespace)
            .execute();
    assertThat(job.getSpec().getSuspend())
        .as("the Job is stopped, its pod removed, the Job kept to look at")
        .isTrue();
    Eventually.eventually(
        Duration.ofSeconds(30),
        () ->
            assertThat(new CoreV1Api(client).listNamespacedEvent(namespace).execute().getItems())
                .anyMatch(
                    event ->
                        event.getMessage() != null
                            && event.getMessage().contains(RedisScenario.REPOSITORY_SECRET)));
  }

  @Test
  @Order(8)
  void aVolumeMountedByARunningAppIsBackedUpAndRestoredFileForFileByTheCatalogAndBuiltInTasks(
      @TempDir Path volumes) throws Exception {
    String namespace = cluster.createNamespace("uploads");
    Path volume = Files.createDirectories(volumes.resolve("uploads"));
    Processes.output(List.of("chown", "65532:65532", volume.toString()), Map.of());
    dynamic("persistentvolumes")
        .create(
            Dynamics.newFromYaml(
                """
        apiVersion: v1
        kind: PersistentVolume
        metadata: {name: %1$s-uploads}
        spec:
          capacity: {storage: 1Gi}
          accessModes: [ReadWriteOnce]
          persistentVolumeReclaimPolicy: Retain
          storageClassName: local-folders
          hostPath: {path: "%2$s", type: Directory}
          claimRef: {namespace: %1$s, name: uploads}
        """
                    .formatted(namespace, volume)),
            new CreateOptions())
        .throwsApiException();
    dynamic("persistentvolumeclaims")
        .create(
            namespace,
            Dynamics.newFromYaml(
                """
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: uploads}
        spec:
          accessModes: [ReadWriteOnce]
          storageClassName: local-folders
          volumeName: %s-uploads
          resources: {requests: {storage: 1Gi}}
        """
                    .formatted(namespace)),
            new CreateOptions())
        .throwsApiException();
    ClusterPods.createPod(
        client,
        namespace,
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: app}
        spec:
          securityContext: {runAsUser: 65532, runAsGroup: 65532, runAsNonRoot: true}
          containers:
            - name: app
              image: keepsake-test/redis-server:%s
              imagePullPolicy: Never
              command:
                - sh
                - -c
                - |
                  mkdir -p /data/photos/2024 /data/docs/empty-folder
                  i=0
                  while [ $i -lt 120 ]; do head -c $((i * 997 + 1)) /dev/urandom > /data/photos/2024/img-$i.jpg; i=$((i + 1)); done
                  head -c 20000000 /dev/urandom > /data/docs/large.bin
                  : > /data/docs/empty.txt
                  echo 'ü and a space' > '/data/docs/name with ü.txt'
                  echo ready > /data/.ready
                  exec sleep infinity
              securityContext: {readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
              volumeMounts: [{name: uploads, mountPath: /data}]
          volumes: [{name: uploads, persistentVolumeClaim: {claimName: uploads}}]
        """
            .formatted(Project.version()));
    ClusterPods.awaitRunning(client, namespace, "app");
    await("the app to write its files")
        .atMost(Duration.ofMinutes(1))
        .until(() -> Files.exists(volume.resolve(".ready")));
    Map<String, String> before = digests(volume);
    RedisScenario objects = addonInto(namespace, "volume", null);
    String target = "{ref: {kind: PersistentVolumeClaim, name: uploads}}";
    configure(objects, target, "volume-backup-1", "@daily");
    objects.apply(
        """
        apiVersion: keepsake.dev/v1alpha1
        kind: BackupSession
        metadata: {name: uploads-now}
        spec:
          invoker: {apiGroup: keepsake.dev, kind: BackupConfiguration, name: %s}
        """
            .formatted(CONFIGURATION));
    BackupSession backup = awaitFinished(namespace, "uploads-now");
    assertThat(backup.getStatus().getPhase())
        .as(backup.getStatus().getMessage())
        .isEqualTo(SessionPhase.Succeeded);

    try (var files = Files.list(volume)) {
      for (Path entry : files.toList()) {
        Processes.output(List.of("rm", "-rf", entry.toString()), Map.of());
      }
    }
    RestoreSession restore =
        restore(objects, namespace, target, "volume-restore-1", backup.getStatus().getSnapshotId());
    assertThat(restore.getStatus().getPhase())
        .as(restore.getStatus().getMessage())
        .isEqualTo(SessionPhase.Succeeded);
    assertThat(digests(volume)).isEqualTo(before).hasSize(124);
    assertThat(
            new CoreV1Api(client)
                .readNamespacedPod("app", namespace)
                .execute()
                .getStatus()
                .getPhase())
        .as("the app ran throughout")
        .isEqualTo("Running");

    // The built-in volume Tasks: their snapshots keep the claim's files under /target.
    BackupSession builtIn =
        backUpAfterChanging(
            objects,
            namespace,
            "{\"spec\":{\"task\":{\"name\":\"keepsake-volume-backup\"}}}",
            "uploads-built-in");
    assertThat(builtIn.getStatus().getPhase())
        .as(builtIn.getStatus().getMessage())
        .isEqualTo(SessionPhase.Succeeded);
    Processes.output(List.of("rm", "-rf", volume.resolve("photos").toString()), Map.of());

    RestoreSession photos =
        restore(
            objects,
            namespace,
            "photos-in-place",
            "{ref: {kind: PersistentVolumeClaim, name: uploads}, include: [\"/target/photos\"]}",
            "keepsake-volume-restore",
            builtIn.getStatus().getSnapshotId());
    assertThat(photos.getStatus().getPhase())
        .as(photos.getStatus().getMessage())
        .isEqualTo(SessionPhase.Succeeded);
    assertThat(digests(volume)).as("the photos back in place").isEqualTo(before);

    RestoreSession docs =
        restore(
            objects,
            namespace,
            "docs-elsewhere",
            "{ref: {kind: PersistentVolumeClaim, name: uploads}, include: [\"/target/docs\"],"
                + " targetPath: /recovered}",
            "keepsake-volume-restore",
            builtIn.getStatus().getSnapshotId());
    assertThat(docs.getStatus().getPhase())
        .as(docs.getStatus().getMessage())
        .isEqualTo(SessionPhase.Succeeded);
    Map<String, String> withRecoveredDocs = new java.util.TreeMap<>(before);
    before.forEach(
        (path, digest) -> {
          if (path.startsWith("docs/")) {
            withRecoveredDocs.put("recovered/target/" + path, digest);
          }
        });
    assertThat(digests(volume))
        .as("the docs again below /recovered, in the snapshot's layout, and nothing else moved")
        .isEqualTo(withRecoveredDocs);

    // A claim that does not exist: no node takes the pod, and the session says why.
    BackupSession typo =
        backUpAfterChanging(
            objects,
            namespace,
            "{\"spec\":{\"target\":{\"ref\":{\"name\":\"uploads-typo\"}}}}",
            "uploads-typo");
    System.err.println("[real-node] a missing claim: " + typo.getStatus().getMessage());
    assertThat(typo.getStatus().getPhase()).isEqualTo(SessionPhase.Failed);
    assertThat(typo.getStatus().getReason()).isEqualTo("ClaimNotFound");
    assertThat(typo.getStatus().getMessage())
        .contains("PersistentVolumeClaim uploads-typo does not exist in namespace " + namespace);
  }

  @Test
  @Order(9)
  void execHooksFlushAndPauseRedisInItsPodAndAWebhookHearsEveryOutcome() throws Exception {
    String namespace = cluster.createNamespace("hooks");
    RedisServer redis = redisPod(namespace);
    RedisDataSet.seed(redis);
    long savedBefore = Long.parseLong(redis.cli("LASTSAVE").trim());
    try (WebhookReceiver notices =
        WebhookReceiver.start(java.net.InetAddress.getByName(LocalNode.NODE_IP))) {
      ClusterPods.serviceOutsideTheCluster(client, namespace, "notices", notices.port());
      RedisScenario scenario = backUpIntoS3(namespace);
      String cli = "export REDISCLI_AUTH=\"$REDIS_PASSWORD\"; ";
      scenario.configureWithHooks(
          """
          {preBackup: [
             {name: pause-writes, exec: {podSelector: {app: redis}, command: [sh, -c, '%sredis-cli CLIENT PAUSE 60000 WRITE']}},
             {name: flush, exec: {podSelector: {app: redis}, command: [sh, -c, '%sbefore=$(redis-cli LASTSAVE);
               redis-cli BGSAVE SCHEDULE; while [ "$(redis-cli LASTSAVE)" = "$before" ]; do sleep 0.2; done; echo saved']},
              timeoutSeconds: 30}],
           postBackup: [
             {name: resume-writes, exec: {podSelector: {app: redis}, command: [sh, -c, '%sredis-cli CLIENT UNPAUSE']},
              executionPolicy: Always},
             {name: notify, httpPost: {url: "http://notices.%s.svc:%d/backup"}, executionPolicy: Always}]}"""
              .formatted(cli, cli, cli, namespace, notices.port()));

      scenario.backUpNow("paused-and-flushed");
      BackupSession done = awaitFinished(namespace, "paused-and-flushed");

      assertThat(done.getStatus().getPhase())
          .as(done.getStatus().getMessage())
          .isEqualTo(SessionPhase.Succeeded);
      assertThat(done.getStatus().getHooks())
          .extracting(h -> h.getName() + ":" + h.getPhase())
          .containsExactly(
              "pause-writes:Succeeded",
              "flush:Succeeded",
              "resume-writes:Succeeded",
              "notify:Succeeded");
      assertThat(done.getStatus().getHooks().get(1).getOutput()).endsWith("saved");
      assertThat(done.getStatus().getHooks().get(1).getMessage())
          .isEqualTo("sh exited with code 0 in pod redis");
      assertThat(Long.parseLong(redis.cli("LASTSAVE").trim()))
          .as("BGSAVE ran")
          .isGreaterThan(savedBefore);
      assertWritable(redis);
      var notice =
          com.google.gson.JsonParser.parseString(notices.requests().get(0).body())
              .getAsJsonObject();
      assertThat(notice.get("phase").getAsString()).isEqualTo("Succeeded");
      assertThat(notice.get("snapshot").getAsString()).isEqualTo(done.getStatus().getSnapshotId());

      // The dump now fails (the AppBinding's password is wrong): writes are resumed all the same.
      new CoreV1Api(client)
          .replaceNamespacedSecret(
              "redis-auth",
              namespace,
              new io.kubernetes.client.openapi.models.V1Secret()
                  .metadata(
                      new io.kubernetes.client.openapi.models.V1ObjectMeta().name("redis-auth"))
                  .stringData(Map.of("password", "not the password")))
          .execute();
      scenario.backUpNow("failing");
      BackupSession failed = awaitFinished(namespace, "failing");

      assertThat(failed.getStatus().getPhase()).isEqualTo(SessionPhase.Failed);
      assertThat(failed.getStatus().getHooks())
          .extracting(h -> h.getName() + ":" + h.getPhase())
          .containsExactly(
              "pause-writes:Succeeded",
              "flush:Succeeded",
              "resume-writes:Succeeded",
              "notify:Succeeded");
      assertWritable(redis);
      var second =
          com.google.gson.JsonParser.parseString(notices.requests().get(1).body())
              .getAsJsonObject();
      assertThat(second.get("phase").getAsString()).isEqualTo("Failed");
      assertThat(second.get("message").getAsString()).isEqualTo(failed.getStatus().getMessage());
    }
  }

  /** A write is answered at once: no CLIENT PAUSE holds it. */
  private static void assertWritable(RedisServer redis) {
    long start = System.nanoTime();
    assertThat(redis.cli("SET", "written-after-the-backup", "yes").trim()).isEqualTo("OK");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  private static final String CONFIGURATION = "real-node-backup";

  /**
   * The repository Secret, a Repository on S3 (a bucket of the namespace's name), an AppBinding and
   * the addon.
   */
  private static RedisScenario addonInto(String namespace, String addon, String appBindingYaml)
      throws Exception {
    ClusterPods.secret(
        client,
        namespace,
        RedisScenario.REPOSITORY_SECRET,
        Map.of(
            "RESTIC_PASSWORD",
            RESTIC_PASSWORD,
            "AWS_ACCESS_KEY_ID",
            S3Server.ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY",
            S3Server.SECRET_KEY));
    RedisScenario objects = new RedisScenario(client, namespace);
    objects.apply(RedisScenario.s3Repository(s3InCluster(), namespace));
    if (appBindingYaml != null) {
      objects.apply(appBindingYaml);
    }
    objects.apply(
        Files.readString(Project.root().resolve("catalog").resolve(addon).resolve("addon.yaml")));
    return objects;
  }

  private static void configure(RedisScenario objects, String target, String task, String schedule)
      throws ApiException {
    configure(objects, target, task, schedule, "{}");
  }

  private static void configure(
      RedisScenario objects, String target, String task, String schedule, String hooks)
      throws ApiException {
    objects.apply(
        """
        apiVersion: keepsake.dev/v1alpha1
        kind: BackupConfiguration
        metadata: {name: %s}
        spec:
          schedule: "%s"
          repository: {name: %s}
          target: %s
          task: {name: %s}
          retentionPolicy: {name: last-five, keepLast: 5, prune: true}
          timeout: 10m
          hooks: %s
        """
            .formatted(CONFIGURATION, schedule, RedisScenario.REPOSITORY, target, task, hooks));
  }

  /** Every minute until the first session ends, then paused. */
  private static BackupSession scheduledOnce(
      RedisScenario objects, String namespace, String target, String task, String hooks)
      throws Exception {
    configure(objects, target, task, "* * * * *", hooks);
    BackupSession scheduled =
        await()
            .atMost(Duration.ofMinutes(3))
            .pollInterval(Duration.ofSeconds(2))
            .ignoreExceptions()
            .until(() -> firstFinishedSession(namespace), session -> session != null);
    patchConfiguration(namespace, "{\"spec\":{\"paused\":true}}");
    assertThat(scheduled.getSpec().getTrigger()).hasToString("Scheduled");
    return scheduled;
  }

  private static void patchConfiguration(String namespace, String mergePatch) throws ApiException {
    ApiKind.BACKUP_CONFIGURATION
        .api(client)
        .patch(
            namespace,
            CONFIGURATION,
            io.kubernetes.client.custom.V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
            new io.kubernetes.client.custom.V1Patch(mergePatch))
        .throwsApiException();
  }

  /** Merges {@code patch} into the configuration, then runs a session of it to its end. */
  private static BackupSession backUpAfterChanging(
      RedisScenario objects, String namespace, String patch, String sessionName)
      throws ApiException {
    patchConfiguration(namespace, patch);
    objects.apply(
        """
        apiVersion: keepsake.dev/v1alpha1
        kind: BackupSession
        metadata: {name: %s}
        spec:
          invoker: {apiGroup: keepsake.dev, kind: BackupConfiguration, name: %s}
        """
            .formatted(sessionName, CONFIGURATION));
    return awaitFinished(namespace, sessionName);
  }

  private static RestoreSession restore(
      RedisScenario objects, String namespace, String target, String task, String snapshot)
      throws ApiException {
    return restore(objects, namespace, "restore", target, task, snapshot);
  }

  private static RestoreSession restore(
      RedisScenario objects,
      String namespace,
      String name,
      String target,
      String task,
      String snapshot)
      throws ApiException {
    objects.apply(
        """
        apiVersion: keepsake.dev/v1alpha1
        kind: RestoreSession
        metadata: {name: %s}
        spec:
          repository: {name: %s}
          snapshot: "%s"
          target: %s
          task: {name: %s}
        """
            .formatted(name, RedisScenario.REPOSITORY, snapshot, target, task));
    return Eventually.restored(client, namespace, name, SESSION_TIMEOUT);
  }

  private static String s3InCluster() {
    return "http://s3." + INFRA + ".svc:" + URI.create(s3.endpoint()).getPort();
  }

  /**
   * The snapshot files restic wrote into the namespace's bucket, read from the S3 server's folder.
   */
  private static List<String> lockFiles(String namespace) throws java.io.IOException {
    Path locks = s3Data.resolve(namespace).resolve("redis/locks");
    if (!Files.isDirectory(locks)) {
      return List.of();
    }
    try (var files = Files.list(locks)) {
      return files.map(file -> file.getFileName().toString()).sorted().toList();
    }
  }

  private static List<String> snapshotFiles(String namespace) throws java.io.IOException {
    Path snapshots = s3Data.resolve(namespace).resolve("redis/snapshots");
    try (var files = Files.list(snapshots)) {
      return files.map(file -> file.getFileName().toString()).sorted().toList();
    }
  }

  private static String postgresFingerprint(PostgresServer postgres) {
    return String.join(
        " ",
        postgres.sql(
            "shop",
            "SELECT count(*) || ':' || md5(string_agg(c::text, '|' ORDER BY id)) FROM customers c"),
        postgres.sql(
            "shop",
            "SELECT count(*) || ':' || md5(string_agg(o::text, '|' ORDER BY id)) FROM orders o"),
        postgres.sql(
            "shop",
            "SELECT string_agg(conname, ',' ORDER BY conname) FROM pg_constraint WHERE conrelid = 'orders'::regclass"),
        postgres.sql(
            "analytics",
            "SELECT count(*) || ':' || md5(string_agg(d::text, '|' ORDER BY day)) FROM daily d"));
  }

  private static String mariadbFingerprint(MariadbServer mariadb) {
    return mariadb.sql(
        "CHECKSUM TABLE shop.customers, shop.orders, analytics.daily EXTENDED",
        "SELECT COUNT(*) FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = 'shop'");
  }

  /** Every regular file's SHA-256 by its path in the folder. */
  private static Map<String, String> digests(Path folder) throws Exception {
    Map<String, String> digests = new java.util.TreeMap<>();
    try (var files = Files.walk(folder)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        byte[] hash =
            java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
        digests.put(folder.relativize(file).toString(), java.util.HexFormat.of().formatHex(hash));
      }
    }
    return digests;
  }

  private static DynamicKubernetesApi dynamic(String plural) {
    return new DynamicKubernetesApi("", "v1", plural, client);
  }
}
