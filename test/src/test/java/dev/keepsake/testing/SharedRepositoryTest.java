package dev.keepsake.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keepsake.api.ApiKind;
import dev.keepsake.api.BackupConfiguration;
import dev.keepsake.api.BackupSession;
import dev.keepsake.api.RestoreSession;
import dev.keepsake.api.SessionPhase;
import dev.keepsake.operator.app.Operator;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.BatchV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Secret;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * One Repository, in its own namespace, used by the namespaces its usage policy admits: the
 * operator copies only restic's keys into each, the copy goes with the last user, and a namespace's
 * Jobs read and forget only its own targets' snapshots.
 */
@ExtendWith(LocalControlPlaneExtension.class)
class SharedRepositoryTest {
  private static final String REDIS_PASSWORD = "shared redis password";
  private static final String RESTIC_PASSWORD = "shared restic password";
  private static Operator operator;
  private static KubeletStandIn kubelet;
  private static RedisServer redis;
  private static S3Server s3;
  private static LocalControlPlane cluster;

  @BeforeAll
  static void startEverything(LocalControlPlane controlPlane, @TempDir Path work) throws Exception {
    cluster = controlPlane;
    redis = RedisServer.start(work.resolve("redis"), REDIS_PASSWORD);
    s3 = S3Server.start(work.resolve("s3"));
    operator =
        new Operator(
                controlPlane.client(),
                controlPlane.watchClient(),
                TestOperators.settings("keepsake/runner:shared", null, 600, "keepsake-job"),
                Operator.loopback())
            .start();
    kubelet =
        KubeletStandIn.start(controlPlane, work.resolve("kubelet"), LocalTools.runnerEnvironment());
  }

  @AfterAll
  static void stopEverything() {
    kubelet.close();
    operator.close();
    s3.close();
    redis.close();
  }

  /**
   * The namespace that owns the Repository "shared", on S3, admitting namespaces labelled
   * team=shop.
   */
  private static void owner(ApiClient client, String vault) throws ApiException {
    new CoreV1Api(client)
        .createNamespacedSecret(
            vault,
            new V1Secret()
                .metadata(new V1ObjectMeta().name("restic"))
                .stringData(
                    Map.of(
                        "RESTIC_PASSWORD",
                        RESTIC_PASSWORD,
                        "AWS_ACCESS_KEY_ID",
                        S3Server.ACCESS_KEY,
                        "AWS_SECRET_ACCESS_KEY",
                        S3Server.SECRET_KEY,
                        "unrelated",
                        "not for tenants")))
        .execute();
    new RedisScenario(client, vault)
        .apply(
            """
        apiVersion: keepsake.dev/v1alpha1
        kind: Repository
        metadata: {name: shared}
        spec:
          backend:
            s3: {endpoint: "%s", bucket: "%s", prefix: all, forcePathStyle: true}
          secret: {name: restic}
          usagePolicy:
            allowedNamespaces: {from: Selector, selector: {matchLabels: {team: shop}}}
        ---
        apiVersion: keepsake.dev/v1alpha1
        kind: Repository
        metadata: {name: on-a-claim}
        spec:
          backend:
            local: {mountPath: /repository, persistentVolumeClaim: {claimName: backups}}
          secret: {name: restic}
          usagePolicy:
            allowedNamespaces: {from: All}
        """
                .formatted(s3.endpoint(), vault));
  }

  /**
   * A namespace labelled team=shop with the Redis AppBinding, the addon and a configuration into
   * vault/shared.
   */
  private static RedisScenario tenant(ApiClient client, String prefix, String vault)
      throws Exception {
    String name = prefix + "-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    new CoreV1Api(client)
        .createNamespace(
            new V1Namespace()
                .metadata(new V1ObjectMeta().name(name).labels(Map.of("team", "shop"))))
        .execute();
    RedisScenario scenario = new RedisScenario(client, name);
    new CoreV1Api(client)
        .createNamespacedSecret(
            name,
            new V1Secret()
                .metadata(new V1ObjectMeta().name("redis-auth"))
                .stringData(Map.of("password", REDIS_PASSWORD)))
        .execute();
    scenario.apply(
        """
        apiVersion: keepsake.dev/v1alpha1
        kind: AppBinding
        metadata: {name: redis}
        spec:
          type: redis
          clientConfig: {url: "redis://127.0.0.1:%d"}
          secret: {name: redis-auth}
        ---
        apiVersion: keepsake.dev/v1alpha1
        kind: BackupConfiguration
        metadata: {name: %s}
        spec:
          schedule: "@daily"
          repository: {name: shared, namespace: %s}
          target:
            ref: {apiGroup: keepsake.dev, kind: AppBinding, name: redis}
          task: {name: redis-backup-7}
          retentionPolicy: {name: last-two, keepLast: 2, prune: true}
        """
            .formatted(redis.port(), RedisScenario.CONFIGURATION, vault));
    scenario.apply(
        java.nio.file.Files.readString(Project.root().resolve("catalog/redis/addon.yaml")));
    return scenario;
  }

  private static BackupSession backUp(
      ApiClient client, String namespace, RedisScenario scenario, String name) throws ApiException {
    return scenario.backUpAndWait(name);
  }

  private static RestoreSession restore(
      ApiClient client,
      RedisScenario scenario,
      String namespace,
      String name,
      String snapshot,
      String source)
      throws ApiException {
    scenario.apply(
        """
        apiVersion: keepsake.dev/v1alpha1
        kind: RestoreSession
        metadata: {name: %s}
        spec:
          repository: {name: shared, namespace: %s}
          snapshot: "%s"
          source: %s
          target:
            ref: {apiGroup: keepsake.dev, kind: AppBinding, name: redis}
          task: {name: redis-restore-7}
        """
            .formatted(name, vault, snapshot, source));
    return await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .until(
            () ->
                ApiKind.RESTORE_SESSION
                    .api(client)
                    .get(namespace, name)
                    .throwsApiException()
                    .getObject(),
            r ->
                r.getStatus() != null
                    && r.getStatus().getPhase() != null
                    && r.getStatus().getPhase().isFinished());
  }

  private static String vault;

  private static V1Secret copyIn(ApiClient client, String namespace) throws ApiException {
    return new CoreV1Api(client)
        .readNamespacedSecret("keepsake-repository." + vault + ".shared", namespace)
        .execute();
  }

  @Test
  void tenantsBackUpIntoOneRepositoryAndEachTouchesOnlyItsOwnSnapshots(
      ApiClient client, TestNamespace namespace) throws Exception {
    vault = namespace.name();
    owner(client, vault);
    RedisScenario shop = tenant(client, "shop", vault);
    RedisScenario blog = tenant(client, "blog", vault);
    try (Jedis jedis = RedisDataSet.connect(redis, 0)) {
      jedis.flushAll();
      jedis.set("written-by", "shop");
    }

    BackupSession shopBackup = backUp(client, shop.namespace(), shop, "shop-1");
    BackupSession blogBackup = backUp(client, blog.namespace(), blog, "blog-1");

    assertThat(shopBackup.getStatus().getPhase())
        .as(shopBackup.getStatus().getMessage())
        .isEqualTo(SessionPhase.Succeeded);
    assertThat(blogBackup.getStatus().getPhase())
        .as(blogBackup.getStatus().getMessage())
        .isEqualTo(SessionPhase.Succeeded);
    // The second Job's runner is told of the first, in another namespace, which ended moments
    // before with no pod left: its runner is gone, and a lock it left may be removed at once.
    V1Job blogJob =
        new BatchV1Api(client)
            .readNamespacedJob("keepsake-backup-blog-1", blog.namespace())
            .execute();
    assertThat(blogJob.getMetadata().getLabels())
        .containsEntry("keepsake.dev/uses-repository", "shared")
        .containsEntry("keepsake.dev/uses-repository-namespace", vault);
    assertThat(blogJob.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .anySatisfy(
            env ->
                assertThat(env.getName() + "=" + env.getValue())
                    .isEqualTo("KEEPSAKE_ENDED_RUNNERS=keepsake-backup-shop-1"))
        .anySatisfy(env -> assertThat(env.getName()).isEqualTo("KEEPSAKE_JOB_CREATED"));
    V1Secret copy = copyIn(client, shop.namespace());
    assertThat(copy.getData())
        .containsOnlyKeys("RESTIC_PASSWORD", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");
    assertThat(new String(copy.getData().get("RESTIC_PASSWORD"), StandardCharsets.UTF_8))
        .isEqualTo(RESTIC_PASSWORD);
    BackupConfiguration shopConfiguration =
        ApiKind.BACKUP_CONFIGURATION
            .api(client)
            .get(shop.namespace(), RedisScenario.CONFIGURATION)
            .getObject();
    assertThat(copy.getMetadata().getOwnerReferences())
        .extracting(o -> o.getUid())
        .containsExactly(shopConfiguration.getMetadata().getUid());
    assertThat(copy.getMetadata().getLabels())
        .containsEntry("keepsake.dev/repository-namespace", vault);
    assertThat(new CoreV1Api(client).listNamespacedSecret(vault).execute().getItems())
        .as("the owner's namespace gets no copy")
        .noneMatch(s -> s.getMetadata().getName().startsWith("keepsake-repository."));

    // Its own latest: allowed.
    RestoreSession own = restore(client, shop, shop.namespace(), "own", "latest", "{}");
    assertThat(own.getStatus().getPhase())
        .as(own.getStatus().getMessage())
        .isEqualTo(SessionPhase.Succeeded);

    // Another tenant's, by host or by id: refused, nothing restored.
    try (Jedis jedis = RedisDataSet.connect(redis, 0)) {
      jedis.set("written-by", "shop, after the backups");
    }
    RestoreSession byHost =
        restore(
            client,
            shop,
            shop.namespace(),
            "their-latest",
            "latest",
            "{host: " + blog.namespace() + "/redis}");
    assertThat(byHost.getStatus().getPhase()).isEqualTo(SessionPhase.Failed);
    assertThat(byHost.getStatus().getReason()).isEqualTo("SourceNotAllowed");
    assertThat(byHost.getStatus().getMessage())
        .isEqualTo(
            "spec.source.host "
                + blog.namespace()
                + "/redis is not a target of namespace "
                + shop.namespace()
                + ": from Repository "
                + vault
                + "/shared, which another namespace shares, a namespace restores only its"
                + " own targets' snapshots (hosts "
                + shop.namespace()
                + "/...)");
    RestoreSession byId =
        restore(
            client,
            shop,
            shop.namespace(),
            "their-snapshot",
            blogBackup.getStatus().getSnapshotId(),
            "{}");
    assertThat(byId.getStatus().getPhase()).isEqualTo(SessionPhase.Failed);
    assertThat(byId.getStatus().getReason()).isEqualTo("SnapshotNotAllowed");
    assertThat(byId.getStatus().getMessage())
        .contains("is of " + blog.namespace() + "/redis")
        .contains("nothing was restored");
    try (Jedis jedis = RedisDataSet.connect(redis, 0)) {
      assertThat(jedis.get("written-by")).isEqualTo("shop, after the backups");
    }

    // A copy that drifted is made right again before the next Job.
    copy = copyIn(client, shop.namespace());
    assertThat(copy.getMetadata().getOwnerReferences())
        .as("the configuration and the two RestoreSessions that ran a Job")
        .hasSize(3);
    new CoreV1Api(client)
        .replaceNamespacedSecret(
            copy.getMetadata().getName(),
            shop.namespace(),
            new V1Secret()
                .metadata(
                    new V1ObjectMeta()
                        .name(copy.getMetadata().getName())
                        .resourceVersion(copy.getMetadata().getResourceVersion())
                        .ownerReferences(copy.getMetadata().getOwnerReferences())
                        .labels(copy.getMetadata().getLabels()))
                .stringData(Map.of("RESTIC_PASSWORD", "tampered")))
        .execute();
    BackupSession again = backUp(client, shop.namespace(), shop, "shop-2");
    assertThat(again.getStatus().getPhase())
        .as(again.getStatus().getMessage())
        .isEqualTo(SessionPhase.Succeeded);

    var owned =
        await()
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptions()
            .until(
                () -> ApiKind.REPOSITORY.api(client).get(vault, "shared").getObject(),
                r ->
                    r.getStatus() != null
                        && r.getStatus().getSnapshots() != null
                        && r.getStatus().getSnapshots().size() == 3);
    assertThat(owned.getStatus().getSnapshots())
        .extracting(e -> e.getHost())
        .containsExactlyInAnyOrder(
            shop.namespace() + "/redis", shop.namespace() + "/redis", blog.namespace() + "/redis");

    // The copy goes with the last object of the namespace that used it.
    ApiKind.BACKUP_CONFIGURATION
        .api(client)
        .delete(shop.namespace(), RedisScenario.CONFIGURATION)
        .throwsApiException();
    for (String restore : new String[] {"own", "their-latest", "their-snapshot"}) {
      ApiKind.RESTORE_SESSION.api(client).delete(shop.namespace(), restore).throwsApiException();
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () ->
                new CoreV1Api(client)
                    .listNamespacedSecret(shop.namespace()).execute().getItems().stream()
                        .noneMatch(
                            s -> s.getMetadata().getName().startsWith("keepsake-repository.")));
    assertThat(copyIn(client, blog.namespace()).getData()).containsKey("RESTIC_PASSWORD");
  }

  @Test
  void aRepositoryOnAClaimCannotServeAnotherNamespaceAndSaysWhy(
      ApiClient client, TestNamespace namespace) throws Exception {
    vault = namespace.name();
    owner(client, vault);
    String other = cluster.createNamespace("claimless");
    new RedisScenario(client, other)
        .apply(
            """
        apiVersion: keepsake.dev/v1alpha1
        kind: BackupConfiguration
        metadata: {name: on-a-claim}
        spec:
          schedule: "@daily"
          repository: {name: on-a-claim, namespace: %s}
          target:
            ref: {kind: PersistentVolumeClaim, name: data}
          task: {name: volume-backup-1}
        """
                .formatted(vault));

    BackupConfiguration configuration =
        await()
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptions()
            .until(
                () -> ApiKind.BACKUP_CONFIGURATION.api(client).get(other, "on-a-claim").getObject(),
                c ->
                    c.getStatus() != null
                        && c.getStatus().getConditions() != null
                        && !c.getStatus().getConditions().isEmpty());

    assertThat(configuration.getStatus().getConditions())
        .anySatisfy(
            c -> {
              assertThat(c.getType()).isEqualTo("Ready");
              assertThat(c.getStatus()).isEqualTo("False");
              assertThat(c.getReason()).isEqualTo("RepositoryNotShareable");
              assertThat(c.getMessage())
                  .startsWith(
                      "Repository "
                          + vault
                          + "/on-a-claim keeps its data on PersistentVolumeClaim backups"
                          + " (spec.backend.local), which pods in namespace "
                          + other
                          + " cannot mount");
            });
    assertThat(new BatchV1Api(client).listNamespacedCronJob(other).execute().getItems()).isEmpty();
  }
}
