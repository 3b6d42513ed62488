package dev.keepsake.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keepsake.api.ApiKind;
import dev.keepsake.api.BackupSession;
import dev.keepsake.api.RestoreSession;
import dev.keepsake.api.SessionPhase;
import dev.keepsake.operator.app.Operator;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1ServiceSpec;
import io.kubernetes.client.util.Config;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * The end-to-end scenario on a real k3s: the runner and Redis addon images are built from their
 * Dockerfiles and imported into k3s, Redis runs as a pod, and real kubelets run the Jobs. Needs
 * Docker; without it the suite is skipped (the local control plane suite covers the same flow with
 * the kubelet stand-in).
 */
@EnabledIf(
    value = "dev.keepsake.testing.K3sEndToEndTest#dockerAvailable",
    disabledReason =
        "Docker is not available on this machine, so the k3s suite is skipped; EndToEndTest runs the same "
            + "scenario on the local control plane")
class K3sEndToEndTest {
  private static final String NAMESPACE = "shop";
  private static K3sContainer k3s;
  private static Operator operator;
  private static ApiClient client;

  @BeforeAll
  static void startK3s(@TempDir Path work) throws Exception {
    Path root = Project.root();
    String runner =
        new ImageFromDockerfile("keepsake/runner:0.1.0", false)
            .withFileFromPath(".", root)
            .withDockerfile(root.resolve("functions/Dockerfile"))
            .get();
    String redisAddon =
        new ImageFromDockerfile("keepsake/redis-7:0.1.0", false)
            .withFileFromPath(".", root)
            .withDockerfile(root.resolve("catalog/redis/Dockerfile"))
            .get();
    Path images = work.resolve("keepsake-images.tar");
    try (InputStream saved =
        DockerClientFactory.instance()
            .client()
            .saveImagesCmd()
            .withImage("keepsake/runner", "0.1.0")
            .withImage("keepsake/redis-7", "0.1.0")
            .exec()) {
      Files.copy(saved, images, StandardCopyOption.REPLACE_EXISTING);
    }
    k3s =
        new K3sContainer(DockerImageName.parse("rancher/k3s:v1.33.1-k3s1"))
            // k3s imports image archives found here when it starts.
            .withCopyFileToContainer(
                MountableFile.forHostPath(images),
                "/var/lib/rancher/k3s/agent/images/keepsake.tar");
    k3s.start();
    client = Config.fromConfig(new StringReader(k3s.getKubeConfigYaml()));
    LocalControlPlane.applyCrds(client);
    await()
        .atMost(Duration.ofMinutes(1))
        .ignoreExceptions()
        .until(() -> ApiKind.BACKUP_SESSION.api(client).list("default").isSuccess());
    new CoreV1Api(client)
        .createNamespace(new V1Namespace().metadata(new V1ObjectMeta().name(NAMESPACE)))
        .execute();
    operator =
        new Operator(
                client,
                Config.fromConfig(new StringReader(k3s.getKubeConfigYaml())),
                TestOperators.settings(runner, null, 600, "keepsake-job"),
                Operator.loopback())
            .start();
    assertThat(redisAddon).isNotBlank();
  }

  static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException e) {
      return false;
    }
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.close();
    }
    if (k3s != null) {
      k3s.stop();
    }
  }

  @Test
  void aRedisInTheClusterIsBackedUpAndRestoredByRealKubelets() throws Exception {
    RedisScenario scenario = new RedisScenario(client, NAMESPACE);
    CoreV1Api core = new CoreV1Api(client);
    core.createNamespacedPod(
            NAMESPACE,
            new V1Pod()
                .metadata(new V1ObjectMeta().name("redis").labels(Map.of("app", "redis")))
                .spec(
                    new V1PodSpec()
                        .containers(
                            List.of(
                                new V1Container()
                                    .name("redis")
                                    .image("redis:7.2")
                                    .args(List.of("--requirepass", "k3s-redis-password"))
                                    .ports(List.of(new V1ContainerPort().containerPort(6379)))))))
        .execute();
    core.createNamespacedService(
            NAMESPACE,
            new V1Service()
                .metadata(new V1ObjectMeta().name("redis"))
                .spec(
                    new V1ServiceSpec()
                        .selector(Map.of("app", "redis"))
                        .ports(List.of(new V1ServicePort().port(6379)))))
        .execute();
    await()
        .atMost(Duration.ofMinutes(5))
        .until(
            () ->
                "Running"
                    .equals(
                        core.readNamespacedPod("redis", NAMESPACE)
                            .execute()
                            .getStatus()
                            .getPhase()));
    scenario.setUp(
        "redis://redis." + NAMESPACE + ".svc:6379",
        "k3s-redis-password",
        RedisScenario.localRepository(Path.of("/var/lib/keepsake/" + NAMESPACE)),
        Map.of("RESTIC_PASSWORD", "k3s-restic-password"));
    scenario.configure("@daily", false);
    scenario.backUpNow("k3s-backup");

    BackupSession backup =
        await()
            .atMost(Duration.ofMinutes(10))
            .ignoreExceptions()
            .until(
                () -> ApiKind.BACKUP_SESSION.api(client).get(NAMESPACE, "k3s-backup").getObject(),
                s ->
                    s.getStatus() != null
                        && s.getStatus().getPhase() != null
                        && s.getStatus().getPhase().isFinished());
    assertThat(backup.getStatus().getPhase())
        .as(backup.getStatus().getMessage())
        .isEqualTo(SessionPhase.Succeeded);
    assertThat(backup.getStatus().getSnapshotId()).isNotBlank();

    scenario.restoreLatest("k3s-restore");
    RestoreSession restore =
        await()
            .atMost(Duration.ofMinutes(10))
            .ignoreExceptions()
            .until(
                () -> ApiKind.RESTORE_SESSION.api(client).get(NAMESPACE, "k3s-restore").getObject(),
                s ->
                    s.getStatus() != null
                        && s.getStatus().getPhase() != null
                        && s.getStatus().getPhase().isFinished());
    assertThat(restore.getStatus().getPhase())
        .as(restore.getStatus().getMessage())
        .isEqualTo(SessionPhase.Succeeded);
  }
}
