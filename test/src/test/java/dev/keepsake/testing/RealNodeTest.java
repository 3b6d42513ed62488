package dev.keepsake.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keepsake.api.ApiKind;
import dev.keepsake.api.BackupSession;
import dev.keepsake.api.RestoreSession;
import dev.keepsake.api.SessionPhase;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.CoreV1EndpointPort;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1EndpointAddress;
import io.kubernetes.client.openapi.models.V1EndpointSubset;
import io.kubernetes.client.openapi.models.V1Endpoints;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1ServiceSpec;
import java.net.URI;
import java.nio.ByteBuffer;
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
  private static final Duration SESSION_TIMEOUT = Duration.ofMinutes(4);

  private static LocalControlPlane cluster;
  private static ApiClient client;
  private static S3Server s3;
  private static Pushgateway pushgateway;

  @BeforeAll
  static void installTheChart(LocalControlPlane controlPlane, @TempDir Path work) throws Exception {
    cluster = controlPlane;
    client = controlPlane.client();
    s3 = S3Server.start(work.resolve("s3"), LocalNode.NODE_IP);
    pushgateway = Pushgateway.start(java.nio.file.Files.createDirectories(work.resolve("pushgateway")), LocalNode.NODE_IP);
    cluster.createNamespaceNamed(INFRA);
    serviceOutsideTheCluster("s3", URI.create(s3.endpoint()).getPort());
    serviceOutsideTheCluster("pushgateway", URI.create(pushgateway.url()).getPort());

    String output = Processes.output(List.of(LocalTools.helm().toString(), "install", "keepsake",
        Project.root().resolve("charts/keepsake").toString(), "--kubeconfig", cluster.kubeconfig().toString(),
        "--namespace", SYSTEM, "--create-namespace", "--wait", "--timeout", "4m",
        "--set", "image.pullPolicy=Never",
        "--set", "pushgateway.enabled=false",
        "--set", "pushgateway.url=http://pushgateway." + INFRA + ".svc:" + URI.create(pushgateway.url()).getPort()),
        Map.of(), new byte[0]);
    System.err.println("[real-node] " + output.lines().filter(line -> line.startsWith("STATUS")).findFirst().orElse(output));
    V1Deployment operator = new AppsV1Api(client).readNamespacedDeployment("keepsake", SYSTEM).execute();
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
    V1Pod operator = new CoreV1Api(client).listNamespacedPod(SYSTEM).labelSelector("app.kubernetes.io/name=keepsake")
        .execute().getItems().get(0);

    assertThat(operator.getStatus().getPhase()).isEqualTo("Running");
    assertThat(operator.getSpec().getContainers().get(0).getImage()).isEqualTo("keepsake/operator:" + Project.version());
    assertThat(operator.getSpec().getSecurityContext().getRunAsUser()).isEqualTo(65532L);
    assertThat(operator.getSpec().getContainers().get(0).getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
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
    BackupSession scheduled = await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).ignoreExceptions()
        .until(() -> firstFinishedSession(namespace), session -> session != null);
    scenario.configure("* * * * *", true);

    assertThat(scheduled.getStatus().getPhase()).as(scheduled.getStatus().getMessage()).isEqualTo(SessionPhase.Succeeded);
    assertThat(scheduled.getSpec().getTrigger()).hasToString("Scheduled");
    assertThat(scheduled.getStatus().getSnapshotId()).isNotBlank();
    assertThat(scheduled.getStatus().getMessage()).contains("s3:http://s3." + INFRA + ".svc");
    assertThat(pushgateway.value("keepsake_backup_success",
        Map.of("job", "keepsake-backup", "namespace", namespace, "configuration", RedisScenario.CONFIGURATION))).contains(1.0);

    try (Jedis jedis = RedisDataSet.connect(redis, 0)) {
      jedis.flushAll();
    }
    scenario.restoreLatest("restore-1");
    RestoreSession restore = await().atMost(SESSION_TIMEOUT).pollInterval(Duration.ofSeconds(2)).ignoreExceptions()
        .until(() -> ApiKind.RESTORE_SESSION.api(client).get(namespace, "restore-1").getObject(), RealNodeTest::finished);

    assertThat(restore.getStatus().getPhase()).as(restore.getStatus().getMessage()).isEqualTo(SessionPhase.Succeeded);
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

    ApiKind.BACKUP_CONFIGURATION.api(client).patch(namespace, RedisScenario.CONFIGURATION,
        io.kubernetes.client.custom.V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
        new io.kubernetes.client.custom.V1Patch("{\"spec\":{\"runtimeSettings\":{\"resources\":{\"limits\":{\"memory\":\"20Mi\"}}}}}"))
        .throwsApiException();
    awaitObserved(namespace);
    scenario.backUpNow("out-of-memory");
    BackupSession oom = awaitFinished(namespace, "out-of-memory");
    assertThat(oom.getStatus().getPhase()).isEqualTo(SessionPhase.Failed);
    assertThat(oom.getStatus().getMessage()).contains("killed for exceeding its memory limit of 20Mi", "OOMKilled",
        "spec.runtimeSettings.resources.limits.memory");

    ApiKind.BACKUP_CONFIGURATION.api(client).patch(namespace, RedisScenario.CONFIGURATION,
        io.kubernetes.client.custom.V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
        new io.kubernetes.client.custom.V1Patch("{\"spec\":{\"runtimeSettings\":null}}")).throwsApiException();
    awaitObserved(namespace);
    ApiKind.FUNCTION.api(client).patch(namespace, "redis-backup-7",
        io.kubernetes.client.custom.V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
        new io.kubernetes.client.custom.V1Patch("{\"spec\":{\"image\":\"keepsake/redis-8:" + Project.version() + "\"}}"))
        .throwsApiException();
    // Functions carry no status to show the operator saw the change; its watch takes milliseconds.
    Thread.sleep(2000);
    scenario.backUpNow("wrong-image");
    BackupSession wrongImage = awaitFinished(namespace, "wrong-image");
    assertThat(wrongImage.getStatus().getPhase()).isEqualTo(SessionPhase.Failed);
    assertThat(wrongImage.getStatus().getMessage()).contains("cannot pull image keepsake/redis-8:" + Project.version());
    assertThat(List.of("ImagePullBackOff", "ErrImagePull")).contains(wrongImage.getStatus().getReason());
    var jobs = new io.kubernetes.client.openapi.apis.BatchV1Api(client);
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
        assertThat(jobs.readNamespacedJob("keepsake-backup-wrong-image", namespace).execute().getSpec().getSuspend())
            .as("the Job is kept, suspended").isTrue());
    try {
      await().atMost(Duration.ofSeconds(90)).until(() -> new CoreV1Api(client).listNamespacedPod(namespace)
          .labelSelector("batch.kubernetes.io/job-name=keepsake-backup-wrong-image").execute().getItems().isEmpty());
    } catch (org.awaitility.core.ConditionTimeoutException stillThere) {
      throw new AssertionError("the suspended Job's pod is still there: " + io.kubernetes.client.openapi.JSON.serialize(
          new CoreV1Api(client).listNamespacedPod(namespace).labelSelector("batch.kubernetes.io/job-name=keepsake-backup-wrong-image")
              .execute().getItems().get(0).getStatus()), stillThere);
    }
  }

  /** The Redis addon, an AppBinding to the namespace's Redis Service and a Repository on S3, by DNS names. */
  private static RedisScenario backUpIntoS3(String namespace) throws ApiException {
    RedisScenario scenario = new RedisScenario(client, namespace);
    scenario.setUp("redis://redis." + namespace + ".svc:6379", REDIS_PASSWORD,
        RedisScenario.s3Repository("http://s3." + INFRA + ".svc:" + URI.create(s3.endpoint()).getPort(), namespace),
        Map.of("RESTIC_PASSWORD", RESTIC_PASSWORD, "AWS_ACCESS_KEY_ID", S3Server.ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY", S3Server.SECRET_KEY));
    return scenario;
  }

  /** Until the operator has seen the configuration's last change, so the next session is built from it. */
  private static void awaitObserved(String namespace) {
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
      var configuration = ApiKind.BACKUP_CONFIGURATION.api(client).get(namespace, RedisScenario.CONFIGURATION).getObject();
      return configuration.getStatus() != null
          && configuration.getMetadata().getGeneration().equals(configuration.getStatus().getObservedGeneration());
    });
  }

  private static boolean finished(dev.keepsake.api.Resource<?, ?, ?> session) {
    Object status = session.getStatus();
    SessionPhase phase = status instanceof dev.keepsake.api.BackupSessionStatus b ? b.getPhase()
        : status instanceof dev.keepsake.api.RestoreSessionStatus r ? r.getPhase() : null;
    return phase != null && phase.isFinished();
  }

  private static BackupSession awaitFinished(String namespace, String name) {
    return await().atMost(SESSION_TIMEOUT).pollInterval(Duration.ofSeconds(2)).ignoreExceptions()
        .until(() -> ApiKind.BACKUP_SESSION.api(client).get(namespace, name).getObject(), RealNodeTest::finished);
  }

  private static BackupSession firstFinishedSession(String namespace) throws ApiException {
    List<BackupSession> sessions = new ArrayList<>(ApiKind.BACKUP_SESSION.api(client).list(namespace).throwsApiException()
        .getObject().getItems());
    sessions.sort(Comparator.comparing(s -> s.getMetadata().getCreationTimestamp()));
    return sessions.stream().filter(RealNodeTest::finished).findFirst().orElse(null);
  }

  /** Redis from the project's own image in a pod, as a database in a cluster runs, behind a Service. */
  private static RedisServer redisPod(String namespace) throws ApiException {
    CoreV1Api core = new CoreV1Api(client);
    // As YAML, the way a user writes it: the client's V1Pod model would send fields of its own
    // (an empty overhead map) that the API server refuses.
    String manifest = """
        apiVersion: v1
        kind: Pod
        metadata: {name: redis, labels: {app: redis}}
        spec:
          securityContext: {runAsUser: 65532, runAsGroup: 65532, runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
          containers:
            - name: redis
              image: keepsake-test/redis-server:%s
              imagePullPolicy: Never
              command: [redis-server, --port, "6379", --requirepass, %s, --dir, /data, --save, "", --appendonly, "no",
                        --protected-mode, "no", --enable-debug-command, "yes"]
              ports: [{containerPort: 6379}]
              resources: {limits: {memory: 512Mi}}
              securityContext: {readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
              volumeMounts: [{name: data, mountPath: /data}]
          volumes: [{name: data, emptyDir: {}}]
        """.formatted(Project.version(), REDIS_PASSWORD);
    new io.kubernetes.client.util.generic.dynamic.DynamicKubernetesApi("", "v1", "pods", client)
        .create(namespace, io.kubernetes.client.util.generic.dynamic.Dynamics.newFromYaml(manifest),
            new io.kubernetes.client.util.generic.options.CreateOptions())
        .throwsApiException();
    core.createNamespacedService(namespace, new V1Service().metadata(new V1ObjectMeta().name("redis"))
        .spec(new V1ServiceSpec().selector(Map.of("app", "redis")).ports(List.of(new V1ServicePort().port(6379)
            .targetPort(new IntOrString(6379)))))).execute();
    V1Pod running = await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
        .until(() -> core.readNamespacedPod("redis", namespace).execute(),
            pod -> pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase()) && pod.getStatus().getPodIP() != null);
    RedisServer redis = RedisServer.at(running.getStatus().getPodIP(), 6379, REDIS_PASSWORD);
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> redis.cli("PING").trim().equals("PONG"));
    return redis;
  }

  /** A Service whose endpoint is a server on the node's address, outside any pod. */
  private static void serviceOutsideTheCluster(String name, int port) throws ApiException {
    CoreV1Api core = new CoreV1Api(client);
    core.createNamespacedService(INFRA, new V1Service().metadata(new V1ObjectMeta().name(name))
        .spec(new V1ServiceSpec().ports(List.of(new V1ServicePort().port(port).targetPort(new IntOrString(port))))))
        .execute();
    core.createNamespacedEndpoints(INFRA, new V1Endpoints().metadata(new V1ObjectMeta().name(name))
        .subsets(List.of(new V1EndpointSubset().addresses(List.of(new V1EndpointAddress().ip(LocalNode.NODE_IP)))
            .ports(List.of(new CoreV1EndpointPort().port(port)))))).execute();
  }
}
