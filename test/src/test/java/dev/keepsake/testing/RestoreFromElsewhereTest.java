package dev.keepsake.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keepsake.api.ApiKind;
import dev.keepsake.api.BackupSession;
import dev.keepsake.api.Repository;
import dev.keepsake.api.RestoreSession;
import dev.keepsake.api.SessionPhase;
import dev.keepsake.api.SnapshotEntry;
import dev.keepsake.operator.app.Operator;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
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
 * Restores of data that another target, namespace or cluster backed up (spec.source), with the
 * snapshot chosen from the Repository's status, where the snapshots are listed without restic.
 */
@ExtendWith(LocalControlPlaneExtension.class)
class RestoreFromElsewhereTest {
  private static final String REDIS_PASSWORD = "elsewhere redis password";
  private static final String RESTIC_PASSWORD = "elsewhere restic password";
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
                TestOperators.settings("keepsake/runner:elsewhere", null, 600, "keepsake-job"),
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

  /** The Redis addon and a Repository on the S3 bucket {@code bucket}, in {@code namespace}. */
  private static RedisScenario scenario(ApiClient client, String namespace, String bucket)
      throws ApiException {
    RedisScenario scenario = new RedisScenario(client, namespace);
    scenario.setUp(
        redis,
        RedisScenario.s3Repository(s3.endpoint(), bucket),
        Map.of(
            "RESTIC_PASSWORD",
            RESTIC_PASSWORD,
            "AWS_ACCESS_KEY_ID",
            S3Server.ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY",
            S3Server.SECRET_KEY));
    return scenario;
  }

  private static BackupSession backUp(
      ApiClient client, String namespace, RedisScenario scenario, String name) throws ApiException {
    BackupSession done = scenario.backUpAndWait(name);
    assertThat(done.getStatus().getPhase())
        .as(done.getStatus().getMessage())
        .isEqualTo(SessionPhase.Succeeded);
    return done;
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
          repository: {name: %s}
          snapshot: "%s"
          source: %s
          target:
            ref: {apiGroup: keepsake.dev, kind: AppBinding, name: redis}
          task: {name: redis-restore-7}
        """
            .formatted(name, RedisScenario.REPOSITORY, snapshot, source));
    return Eventually.restored(client, namespace, name, Duration.ofMinutes(2));
  }

  @Test
  void anOlderSnapshotChosenFromTheRepositoryStatusIsRestoredFromASecondNamespace(
      ApiClient client, TestNamespace namespace) throws Exception {
    String shop = namespace.name();
    RedisScenario source = scenario(client, shop, shop);
    source.configure("@daily", false);
    RedisDataSet.flushAll(redis);
    RedisDataSet.set(redis, "order", "first");
    BackupSession first = backUp(client, shop, source, "first");
    RedisDataSet.set(redis, "order", "second");
    BackupSession second = backUp(client, shop, source, "second");

    Repository repository =
        await()
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptions()
            .until(
                () ->
                    ApiKind.REPOSITORY.api(client).get(shop, RedisScenario.REPOSITORY).getObject(),
                r ->
                    r.getStatus() != null
                        && r.getStatus().getSnapshots() != null
                        && r.getStatus().getSnapshots().size() == 2);
    List<SnapshotEntry> listed = repository.getStatus().getSnapshots();
    assertThat(listed)
        .extracting(SnapshotEntry::getId)
        .containsExactly(second.getStatus().getSnapshotId(), first.getStatus().getSnapshotId());
    assertThat(listed)
        .allSatisfy(
            entry -> {
              assertThat(entry.getHost()).isEqualTo(shop + "/redis");
              assertThat(entry.getTags())
                  .contains("keepsake.dev/configuration=" + RedisScenario.CONFIGURATION);
              assertThat(entry.getSizeBytes()).isPositive();
              assertThat(entry.getTime()).isNotBlank();
            });
    assertThat(listed.get(1).getSession()).isEqualTo(shop + "/first");
    assertThat(listed.get(1).getSize())
        .isEqualTo(dev.keepsake.api.Bytes.human(first.getStatus().getBytesProcessed()));

    String staging = cluster.createNamespace("staging");
    RedisScenario target = scenario(client, staging, shop);
    RedisDataSet.flushAll(redis);
    RestoreSession own = restore(client, target, staging, "own-latest", "latest", "{}");
    assertThat(own.getStatus().getPhase()).isEqualTo(SessionPhase.Failed);
    assertThat(own.getStatus().getReason()).isEqualTo("SnapshotNotFound");
    assertThat(own.getStatus().getMessage())
        .contains("no snapshot of host " + staging + "/redis")
        .contains("spec.source.host")
        .contains(shop + "/redis");

    RestoreSession older =
        restore(
            client, target, staging, "older", listed.get(1).getId(), "{host: " + shop + "/redis}");

    assertThat(older.getStatus().getPhase())
        .as(older.getStatus().getMessage())
        .isEqualTo(SessionPhase.Succeeded);
    assertThat(older.getStatus().getSnapshotId()).startsWith(first.getStatus().getSnapshotId());
    assertThat(RedisDataSet.get(redis, "order")).isEqualTo("first");
  }

  @Test
  void aRepositoryRecreatedInAnEmptyNamespaceRestoresTheLostClustersLatestSnapshot(
      ApiClient client, TestNamespace namespace) throws Exception {
    String lost = namespace.name();
    RedisScenario before = scenario(client, lost, lost);
    before.configure("@daily", false);
    RedisDataSet.flushAll(redis);
    RedisDataSet.seed(redis);
    var seeded = RedisDataSet.read(redis, 0);
    BackupSession last = backUp(client, lost, before, "last-before-the-loss");
    new io.kubernetes.client.openapi.apis.CoreV1Api(client).deleteNamespace(lost).execute();
    RedisDataSet.flushAll(redis);

    // A new cluster knows nothing: the Secret, the Repository on the same bucket, an AppBinding,
    // the addon.
    String rebuilt = cluster.createNamespace("rebuilt");
    RedisScenario after = scenario(client, rebuilt, lost);
    RestoreSession restore =
        restore(
            client, after, rebuilt, "from-the-old-cluster", "latest", "{host: " + lost + "/redis}");

    assertThat(restore.getStatus().getPhase())
        .as(restore.getStatus().getMessage())
        .isEqualTo(SessionPhase.Succeeded);
    assertThat(restore.getStatus().getSnapshotId()).startsWith(last.getStatus().getSnapshotId());
    assertThat(RedisDataSet.read(redis, 0).keySet()).isEqualTo(seeded.keySet());
  }
}
