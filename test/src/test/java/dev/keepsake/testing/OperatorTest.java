package dev.keepsake.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import dev.keepsake.api.ApiKind;
import dev.keepsake.api.BackupConfiguration;
import dev.keepsake.api.BackupSession;
import dev.keepsake.api.SessionPhase;
import dev.keepsake.operator.app.Operator;
import dev.keepsake.operator.status.Readiness;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.apis.BatchV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.CustomObjectsApi;
import io.kubernetes.client.openapi.models.V1Condition;
import io.kubernetes.client.openapi.models.V1ContainerState;
import io.kubernetes.client.openapi.models.V1ContainerStateTerminated;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1CronJob;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1Pod;
import java.io.IOException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The operator's reconcilers on the real control plane, with the test playing kubelet for pods. */
@ExtendWith(LocalControlPlaneExtension.class)
class OperatorTest {
  private static Operator operator;

  @BeforeAll
  static void startOperator(LocalControlPlane controlPlane) throws IOException {
    operator =
        new Operator(
                controlPlane.client(),
                controlPlane.watchClient(),
                TestOperators.settings("keepsake/runner:test", null, 600, "keepsake-job"),
                Operator.loopback())
            .start();
  }

  @AfterAll
  static void stopOperator() {
    operator.close();
  }

  /**
   * The examples without the configuration's hooks: these tests are about the Job (HooksTest is
   * about hooks).
   */
  private static void applyScenario(ApiClient client, TestNamespace namespace, String... skipKinds)
      throws ApiException {
    for (JsonObject example : Examples.all()) {
      String kind = example.get("kind").getAsString();
      if (!java.util.List.of(skipKinds).contains(kind) && !kind.endsWith("Session")) {
        if ("BackupConfiguration".equals(kind)) {
          example.getAsJsonObject("spec").remove("hooks");
        }
        Examples.create(client, namespace.name(), example);
      }
    }
  }

  private static BackupConfiguration configuration(ApiClient client, TestNamespace namespace)
      throws ApiException {
    return ApiKind.BACKUP_CONFIGURATION
        .api(client)
        .get(namespace.name(), "redis-nightly")
        .throwsApiException()
        .getObject();
  }

  private static V1Condition ready(BackupConfiguration configuration) {
    return configuration.getStatus() == null || configuration.getStatus().getConditions() == null
        ? null
        : configuration.getStatus().getConditions().stream()
            .filter(c -> "Ready".equals(c.getType()))
            .findFirst()
            .orElse(null);
  }

  private static BackupSession session(ApiClient client, TestNamespace namespace, String name)
      throws ApiException {
    return ApiKind.BACKUP_SESSION
        .api(client)
        .get(namespace.name(), name)
        .throwsApiException()
        .getObject();
  }

  private static void awaitPhase(
      ApiClient client, TestNamespace namespace, String name, SessionPhase phase, int seconds) {
    await()
        .atMost(Duration.ofSeconds(seconds))
        .until(
            () -> session(client, namespace, name).getStatus(),
            status -> status != null && status.getPhase() == phase);
  }

  private static BackupSession createSession(ApiClient client, TestNamespace namespace, String name)
      throws ApiException {
    JsonObject session = Examples.get("BackupSession", "redis-nightly-manual");
    Examples.with(session, "metadata.name", "\"" + name + "\"");
    Examples.createStrict(client, namespace.name(), session);
    return session(client, namespace, name);
  }

  @Test
  void aConfigurationGetsItsCronJobAndPausingSuspendsIt(ApiClient client, TestNamespace namespace)
      throws ApiException {
    applyScenario(client, namespace);
    BatchV1Api batch = new BatchV1Api(client);

    V1CronJob cronJob = cronJobWhenMade(batch, namespace, "keepsake-redis-nightly");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> ready(configuration(client, namespace)) != null);

    assertThat(cronJob.getSpec().getSchedule()).isEqualTo("30 2 * * *");
    assertThat(cronJob.getSpec().getTimeZone()).isEqualTo("Europe/Paris");
    assertThat(cronJob.getSpec().getSuspend()).isFalse();
    assertThat(
            cronJob
                .getSpec()
                .getJobTemplate()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getCommand())
        .containsExactly("keepsake", "trigger");
    BackupConfiguration configuration = configuration(client, namespace);
    assertThat(ready(configuration).getStatus()).isEqualTo("True");
    assertThat(ready(configuration).getReason()).isEqualTo("Scheduled");
    assertThat(configuration.getStatus().getObservedGeneration()).isEqualTo(1L);
    assertThat(configuration.getStatus().getScheduleDescription())
        .isEqualTo("at 02:30 (Europe/Paris)");
    assertThat(configuration.getStatus().getNextBackupTime()).isAfter(OffsetDateTime.now());

    configuration.getSpec().schedule("@hourly").timeZone(null);
    ApiKind.BACKUP_CONFIGURATION.api(client).update(configuration).throwsApiException();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                "@hourly"
                    .equals(
                        batch
                            .readNamespacedCronJob("keepsake-redis-nightly", namespace.name())
                            .execute()
                            .getSpec()
                            .getSchedule()));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                "every hour (UTC)"
                    .equals(configuration(client, namespace).getStatus().getScheduleDescription()));

    configuration = configuration(client, namespace);
    configuration.getSpec().paused(true);
    ApiKind.BACKUP_CONFIGURATION.api(client).update(configuration).throwsApiException();

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                Boolean.TRUE.equals(
                    batch
                        .readNamespacedCronJob("keepsake-redis-nightly", namespace.name())
                        .execute()
                        .getSpec()
                        .getSuspend()));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> "Paused".equals(ready(configuration(client, namespace)).getReason()));
    assertThat(configuration(client, namespace).getStatus().getNextBackupTime()).isNull();
    // Ready from the start, Ready after a change, paused: the condition says so, no Event.
    assertThat(eventReasons(client, namespace, "redis-nightly")).doesNotContain("Scheduled");
  }

  @Test
  void aNamespaceMadeAgainUnderItsNameGetsTheRunnersIdentityAgain(
      ApiClient client, TestNamespace namespace) throws Exception {
    CoreV1Api core = new CoreV1Api(client);
    applyScenario(client, namespace);
    awaitRunnersServiceAccount(core, namespace);

    core.deleteNamespace(namespace.name()).execute();
    await()
        .atMost(Duration.ofMinutes(2))
        .until(
            () -> {
              try {
                core.readNamespace(namespace.name()).execute();
                return false;
              } catch (ApiException e) {
                return e.getCode() == 404;
              }
            });
    core.createNamespace(
            new io.kubernetes.client.openapi.models.V1Namespace()
                .metadata(
                    new io.kubernetes.client.openapi.models.V1ObjectMeta().name(namespace.name())))
        .execute();
    applyScenario(client, namespace);

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> ready(configuration(client, namespace)) != null);
    assertThat(ready(configuration(client, namespace)).getStatus()).isEqualTo("True");
    awaitRunnersServiceAccount(core, namespace);
    assertThat(
            new io.kubernetes.client.openapi.apis.RbacAuthorizationV1Api(client)
                .readNamespacedRoleBinding("keepsake-job", namespace.name())
                .execute()
                .getSubjects())
        .isNotEmpty();
  }

  @Test
  void theOperatorReportsReadinessAndItsOwnMetrics(ApiClient client, TestNamespace namespace)
      throws Exception {
    applyScenario(client, namespace);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> ready(configuration(client, namespace)) != null);
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + operator.healthPort();

    var readyz =
        http.send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/readyz")).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    String metrics =
        http.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/metrics"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString())
            .body();

    assertThat(readyz.statusCode()).isEqualTo(200);
    assertThat(metrics)
        .contains(
            "keepsake_operator_reconciles_total{kind=\"BackupConfiguration\",}",
            "keepsake_operator_reconcile_duration_seconds_count",
            "keepsake_operator_queue_depth{controller=\"backup-sessions\",}");
  }

  @Test
  void aScheduleCronCannotReadIsExplainedInTheReadyCondition(
      ApiClient client, TestNamespace namespace) throws ApiException {
    applyScenario(client, namespace, "BackupConfiguration");
    JsonObject configuration = Examples.get("BackupConfiguration", "redis-nightly");
    Examples.with(configuration, "spec.schedule", "\"30-10 2 * * *\"");
    Examples.createStrict(client, namespace.name(), configuration);

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> ready(configuration(client, namespace)) != null);

    V1Condition ready = ready(configuration(client, namespace));
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("InvalidSchedule");
    assertThat(ready.getMessage()).contains("invalid schedule '30-10 2 * * *'");
  }

  @Test
  void aMissingRepositoryIsAConditionThatHealsWhenItAppears(
      ApiClient client, TestNamespace namespace) throws ApiException {
    applyScenario(client, namespace, "Repository");

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> ready(configuration(client, namespace)) != null);
    V1Condition waiting = ready(configuration(client, namespace));
    assertThat(waiting.getReason()).isEqualTo("RepositoryNotFound");
    assertThat(waiting.getMessage())
        .contains("Repository " + namespace.name() + "/redis-s3 does not exist");

    Examples.create(client, namespace.name(), Examples.get("Repository", "redis-s3"));

    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> "True".equals(ready(configuration(client, namespace)).getStatus()));
    // Not Ready, then Ready: each change leaves an Event (a configuration Ready from the start has
    // only its condition).
    Eventually.eventually(
        Duration.ofSeconds(30),
        () ->
            assertThat(eventReasons(client, namespace, "redis-nightly"))
                .contains("RepositoryNotFound", "Scheduled"));
  }

  @Test
  void aConfigurationWhoseRepositoryHasNoSecretSaysSoUntilTheSecretComes(
      ApiClient client, TestNamespace namespace) throws ApiException {
    applyScenario(client, namespace, "Secret");

    awaitReason(client, namespace, "RepositoryNotReady", 60);
    BackupConfiguration waiting = configuration(client, namespace);
    assertThat(ready(waiting).getStatus()).isEqualTo("False");
    assertThat(ready(waiting).getMessage())
        .isEqualTo(
            "Repository "
                + namespace.name()
                + "/redis-s3 (spec.repository) is not ready: Secret backup-repository does not"
                + " exist in namespace "
                + namespace.name()
                + " (its spec.secret.name); scheduled backups fail until it does");
    assertThat(waiting.getStatus().getCronJobName())
        .as("the schedule stays: each run says what is missing, and the first after it comes runs")
        .isNotNull();
    assertThat(waiting.getStatus().getNextBackupTime()).isNotNull();

    setPaused(client, namespace, true);
    // A paused configuration starts nothing, so nothing of it fails.
    awaitReason(client, namespace, "Paused", 30);
    setPaused(client, namespace, false);
    awaitReason(client, namespace, "RepositoryNotReady", 30);

    createSession(client, namespace, "while-missing");
    BackupSession failed =
        await()
            .atMost(Duration.ofSeconds(90))
            .until(
                () -> session(client, namespace, "while-missing"),
                s -> s.getStatus() != null && s.getStatus().getPhase() == SessionPhase.Failed);
    assertThat(failed.getStatus().getMessage())
        .as("a session fails on the missing Secret, it does not wait for the configuration")
        .contains("does not exist in namespace " + namespace.name())
        .contains("backup-repository");

    Examples.create(client, namespace.name(), Examples.get("Secret", "backup-repository"));

    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> "True".equals(ready(configuration(client, namespace)).getStatus()));
    assertThat(ready(configuration(client, namespace)).getReason()).isEqualTo("Scheduled");
  }

  @Test
  void aRefusedRunnerIdentityIsAConditionNamingTheServersReason(
      ApiClient client, TestNamespace namespace) throws ApiException {
    CoreV1Api core = new CoreV1Api(client);
    noRoomFor(core, namespace, "no-roles", "count/roles.rbac.authorization.k8s.io");
    // Until the quota controller has counted, the admission refuses for another reason.
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                core.readNamespacedResourceQuota("no-roles", namespace.name()).execute().getStatus()
                        != null
                    && core.readNamespacedResourceQuota("no-roles", namespace.name())
                            .execute()
                            .getStatus()
                            .getUsed()
                        != null);
    applyScenario(client, namespace);

    awaitReason(client, namespace, "IdentityRefused", 60);
    V1Condition refused = ready(configuration(client, namespace));
    assertThat(refused.getStatus()).isEqualTo("False");
    assertThat(refused.getMessage())
        .startsWith(
            "the API server refused the ServiceAccount, Role or RoleBinding the scheduled runs of"
                + " this configuration run as: ")
        .contains("exceeded quota: no-roles");
    assertThat(configuration(client, namespace).getStatus().getCronJobName()).isNull();
    Eventually.eventually(
        Duration.ofSeconds(30),
        () ->
            assertThat(eventReasons(client, namespace, "redis-nightly"))
                .contains("IdentityRefused"));

    core.deleteNamespacedResourceQuota("no-roles", namespace.name()).execute();
    // A quota taken away is noticed without a change to the configuration.
    await()
        .atMost(Readiness.REFUSAL_RECHECK.plusSeconds(30))
        .until(() -> "True".equals(ready(configuration(client, namespace)).getStatus()));
    assertThat(configuration(client, namespace).getStatus().getCronJobName()).isNotNull();
  }

  @Test
  void aCronJobFollowsItsSourceWhenAFieldGoesAway(ApiClient client, TestNamespace namespace)
      throws ApiException {
    applyScenario(client, namespace);
    BatchV1Api batch = new BatchV1Api(client);
    patchRepository(
        client, namespace, "redis-local", "{\"spec\":{\"check\":{\"schedule\":\"0 4 * * *\"}}}");
    V1CronJob onVolume = cronJobWhenMade(batch, namespace, "keepsake-check-redis-local");
    assertThat(volumeNames(onVolume)).contains("keepsake-repository");
    onVolume.getMetadata().putLabelsItem("team", "storage");
    batch
        .replaceNamespacedCronJob("keepsake-check-redis-local", namespace.name(), onVolume)
        .execute();

    // The volume was there when the CronJob was made; moving the repository to S3 takes it out.
    patchRepository(
        client,
        namespace,
        "redis-local",
        "{\"spec\":{\"backend\":{\"local\":null,\"s3\":{\"endpoint\":"
            + "\"http://minio.storage.svc:9000\",\"bucket\":\"backups\"}}}}");
    V1CronJob onS3 =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    batch
                        .readNamespacedCronJob("keepsake-check-redis-local", namespace.name())
                        .execute(),
                c ->
                    c
                        .getSpec()
                        .getJobTemplate()
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .stream()
                        .flatMap(
                            container ->
                                container.getEnv() == null
                                    ? java.util.stream.Stream.empty()
                                    : container.getEnv().stream())
                        .anyMatch(e -> e.getValue() != null && e.getValue().contains("\"s3\":{")));
    assertThat(volumeNames(onS3)).doesNotContain("keepsake-repository");
    assertThat(onS3.getMetadata().getLabels())
        .as("someone else's label stays")
        .containsEntry("team", "storage")
        .containsEntry("keepsake.dev/repository", "redis-local");
  }

  /** A ResourceQuota that leaves no room for {@code resource} in the namespace. */
  private static void noRoomFor(
      CoreV1Api core, TestNamespace namespace, String quota, String resource) throws ApiException {
    core.createNamespacedResourceQuota(
            namespace.name(),
            new io.kubernetes.client.openapi.models.V1ResourceQuota()
                .metadata(new io.kubernetes.client.openapi.models.V1ObjectMeta().name(quota))
                .spec(
                    new io.kubernetes.client.openapi.models.V1ResourceQuotaSpec()
                        .hard(
                            java.util.Map.of(
                                resource, io.kubernetes.client.custom.Quantity.fromString("0")))))
        .execute();
  }

  /** Waits until the configuration's Ready condition gives {@code reason}. */
  private static void awaitReason(
      ApiClient client, TestNamespace namespace, String reason, int seconds) {
    await()
        .atMost(Duration.ofSeconds(seconds))
        .until(
            () -> {
              V1Condition ready = ready(configuration(client, namespace));
              return ready != null && reason.equals(ready.getReason());
            });
  }

  private static void setPaused(ApiClient client, TestNamespace namespace, boolean paused)
      throws ApiException {
    ApiKind.BACKUP_CONFIGURATION
        .api(client)
        .patch(
            namespace.name(),
            "redis-nightly",
            V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
            new V1Patch("{\"spec\":{\"paused\":" + paused + "}}"))
        .throwsApiException();
  }

  private static void patchRepository(
      ApiClient client, TestNamespace namespace, String name, String mergePatch)
      throws ApiException {
    ApiKind.REPOSITORY
        .api(client)
        .patch(
            namespace.name(), name, V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, new V1Patch(mergePatch))
        .throwsApiException();
  }

  private static V1CronJob cronJobWhenMade(BatchV1Api batch, TestNamespace namespace, String name) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(() -> batch.readNamespacedCronJob(name, namespace.name()).execute(), c -> c != null);
  }

  private static List<String> volumeNames(V1CronJob cronJob) {
    var volumes = cronJob.getSpec().getJobTemplate().getSpec().getTemplate().getSpec().getVolumes();
    return volumes == null
        ? List.of()
        : volumes.stream().map(io.kubernetes.client.openapi.models.V1Volume::getName).toList();
  }

  @Test
  void aSessionRunsAsAJobAndSucceedsWhenItsPodDoes(ApiClient client, TestNamespace namespace)
      throws Exception {
    applyScenario(client, namespace);
    createSession(client, namespace, "manual-1");

    V1Job job =
        await()
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptions()
            .until(
                () ->
                    new BatchV1Api(client)
                        .readNamespacedJob("keepsake-backup-manual-1", namespace.name())
                        .execute(),
                j -> j != null);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                session(client, namespace, "manual-1").getStatus().getPhase()
                    == SessionPhase.Running);

    assertThat(job.getSpec().getTemplate().getSpec().getInitContainers())
        .extracting(c -> c.getName())
        .containsExactly("redis-backup-7");
    assertThat(job.getSpec().getTemplate().getSpec().getContainers())
        .extracting(c -> c.getName())
        .containsExactly("retention-policy");
    assertThat(new JSON().serialize(job))
        .doesNotContain("change-me-restic", "keepsake-demo-secret", "change-me-redis");
    // The Job has an identity of its own: it may read its session and write that session's status,
    // no other.
    assertThat(job.getSpec().getTemplate().getSpec().getServiceAccountName())
        .isEqualTo("keepsake-backup-manual-1");
    var rbac = new io.kubernetes.client.openapi.apis.RbacAuthorizationV1Api(client);
    assertThat(
            rbac.readNamespacedRole("keepsake-backup-manual-1", namespace.name())
                .execute()
                .getRules())
        .extracting(r -> r.getResources() + " " + r.getResourceNames() + " " + r.getVerbs())
        .containsExactly(
            "[backupsessions] [manual-1] [get]", "[backupsessions/status] [manual-1] [get, patch]");
    String jobAccount = "system:serviceaccount:" + namespace.name() + ":keepsake-backup-manual-1";
    assertThat(canPatchStatus(client, jobAccount, namespace.name(), "manual-1"))
        .as("its own session")
        .isTrue();
    assertThat(canPatchStatus(client, jobAccount, namespace.name(), "manual-2"))
        .as("another session")
        .isFalse();
    assertThat(
            canPatchStatus(
                client,
                "system:serviceaccount:" + namespace.name() + ":keepsake-job",
                namespace.name(),
                "manual-1"))
        .as("the triggers' shared identity")
        .isFalse();
    assertThat(rbac.readNamespacedRole("keepsake-job", namespace.name()).execute().getRules())
        .extracting(r -> r.getResources() + " " + r.getVerbs())
        .containsExactly("[backupsessions] [create]");

    // What the runner's retention step patches in: the whole repository, measured after the backup.
    io.kubernetes.client.util.PatchUtils.patch(
        Object.class,
        () ->
            new CustomObjectsApi(client)
                .patchNamespacedCustomObjectStatus(
                    "keepsake.dev",
                    "v1alpha1",
                    namespace.name(),
                    "backupsessions",
                    "manual-1",
                    new io.kubernetes.client.custom.V1Patch(
                        "{\"status\":{\"repository\":{\"snapshotCount\":3,\"totalSizeBytes\":1288490189}}}"))
                .buildCall(null),
        io.kubernetes.client.custom.V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
        client);
    finishPod(
        client,
        namespace,
        "keepsake-backup-manual-1",
        0,
        "{\"reason\":\"Completed\",\"message\":\"snapshot 4f9a1c2e of 1.2 GiB\"}");

    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                session(client, namespace, "manual-1").getStatus().getPhase()
                    == SessionPhase.Succeeded);
    BackupSession done = session(client, namespace, "manual-1");
    assertThat(done.getStatus().getMessage()).isEqualTo("snapshot 4f9a1c2e of 1.2 GiB");
    assertThat(done.getStatus().getCompletionTime()).isNotNull();
    assertThat(done.getStatus().getDuration()).isNotBlank();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                configuration(client, namespace).getStatus() != null
                    && configuration(client, namespace).getStatus().getLastSuccessfulBackupTime()
                        != null);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                repository(client, namespace).getStatus() != null
                    && repository(client, namespace).getStatus().getLastBackupTime() != null);
    var repository = repository(client, namespace).getStatus();
    assertThat(repository.getBackend())
        .isEqualTo("s3:http://minio.storage.svc:9000/backups/demo/redis");
    assertThat(repository.getInitialized()).isTrue();
    assertThat(repository.getLastBackupSession()).isEqualTo(namespace.name() + "/manual-1");
    assertThat(repository.getSnapshotCount()).isEqualTo(3);
    assertThat(repository.getTotalSize()).isEqualTo("1.2 GiB");
    assertThat(repository.getConditions())
        .anySatisfy(
            c -> {
              assertThat(c.getType()).isEqualTo("Ready");
              assertThat(c.getStatus()).isEqualTo("True");
            });
  }

  @Test
  void aFailedPodFailsTheSessionWithTheRunnersReason(ApiClient client, TestNamespace namespace)
      throws Exception {
    applyScenario(client, namespace);
    createSession(client, namespace, "manual-2");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                session(client, namespace, "manual-2").getStatus() != null
                    && session(client, namespace, "manual-2").getStatus().getPhase()
                        == SessionPhase.Running);

    finishPod(
        client,
        namespace,
        "keepsake-backup-manual-2",
        1,
        "{\"reason\":\"WrongPassword\",\"message\":\"wrong repository password: RESTIC_PASSWORD in the repository Secret does not open s3:...\"}");

    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                session(client, namespace, "manual-2").getStatus().getPhase()
                    == SessionPhase.Failed);
    BackupSession failed = session(client, namespace, "manual-2");
    assertThat(failed.getStatus().getReason()).isEqualTo("WrongPassword");
    assertThat(failed.getStatus().getMessage()).startsWith("wrong repository password");
    Eventually.eventually(
        Duration.ofSeconds(30),
        () ->
            assertThat(
                    new CoreV1Api(client)
                            .listNamespacedEvent(namespace.name())
                            .fieldSelector("involvedObject.name=manual-2")
                            .execute()
                            .getItems()
                            .stream()
                            .map(e -> e.getReason())
                            .toList())
                .contains("JobCreated", "WrongPassword"));
  }

  @Test
  void aSecondSessionIsSkippedWhileOneRuns(ApiClient client, TestNamespace namespace)
      throws Exception {
    applyScenario(client, namespace);
    createSession(client, namespace, "first");
    awaitPhase(client, namespace, "first", SessionPhase.Running, 30);

    createSession(client, namespace, "second");

    awaitPhase(client, namespace, "second", SessionPhase.Skipped, 30);
    assertThat(session(client, namespace, "second").getStatus().getReason())
        .isEqualTo("AnotherSessionRunning");
    assertThat(session(client, namespace, "second").getStatus().getMessage())
        .contains("session first");
  }

  @Test
  void aRestoreSessionRunsAsAJobAndSucceedsWhenItsPodDoes(ApiClient client, TestNamespace namespace)
      throws Exception {
    applyScenario(client, namespace);
    Examples.createStrict(
        client, namespace.name(), Examples.get("RestoreSession", "redis-restore"));

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                restore(client, namespace).getStatus() != null
                    && restore(client, namespace).getStatus().getPhase() == SessionPhase.Running);
    V1Job job =
        new BatchV1Api(client)
            .readNamespacedJob("keepsake-restore-redis-restore", namespace.name())
            .execute();
    assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
        .contains("--snapshot=latest", "redis-load", "--database=0");

    finishPod(
        client,
        namespace,
        "keepsake-restore-redis-restore",
        0,
        "{\"reason\":\"Completed\",\"message\":\"restored 1.2 GiB of snapshot 4f9a1c2e\"}");

    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> restore(client, namespace).getStatus().getPhase() == SessionPhase.Succeeded);
    assertThat(restore(client, namespace).getStatus().getMessage())
        .isEqualTo("restored 1.2 GiB of snapshot 4f9a1c2e");
  }

  @Test
  void onlyTheHistoryLimitOfFinishedSessionsIsKept(ApiClient client, TestNamespace namespace)
      throws Exception {
    applyScenario(client, namespace, "BackupConfiguration");
    JsonObject configuration = Examples.get("BackupConfiguration", "redis-nightly");
    Examples.with(configuration, "spec.backupHistoryLimit", "2");
    Examples.createStrict(client, namespace.name(), configuration);

    for (String name : List.of("run-1", "run-2", "run-3")) {
      createSession(client, namespace, name);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  session(client, namespace, name).getStatus() != null
                      && session(client, namespace, name).getStatus().getPhase()
                          == SessionPhase.Running);
      finishPod(
          client,
          namespace,
          "keepsake-backup-" + name,
          0,
          "{\"reason\":\"Completed\",\"message\":\"done\"}");
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  session(client, namespace, name).getStatus().getPhase()
                      == SessionPhase.Succeeded);
    }

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> sessionNames(client, namespace), names -> names.size() == 2);
    assertThat(sessionNames(client, namespace)).containsExactlyInAnyOrder("run-2", "run-3");
  }

  @Test
  void aSessionWhoseJobVanishesFailsInsteadOfRunningForever(
      ApiClient client, TestNamespace namespace) throws Exception {
    applyScenario(client, namespace);
    createSession(client, namespace, "orphan");
    awaitPhase(client, namespace, "orphan", SessionPhase.Running, 30);

    new BatchV1Api(client)
        .deleteNamespacedJob("keepsake-backup-orphan", namespace.name())
        .propagationPolicy("Background")
        .execute();

    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                session(client, namespace, "orphan").getStatus().getPhase() == SessionPhase.Failed);
    assertThat(session(client, namespace, "orphan").getStatus().getReason()).isEqualTo("JobLost");
  }

  /**
   * The operator suspends the Job of a pod that cannot start, then writes Failed; killed in
   * between, it left the session Running for ever (the Job controller removes the pod, a suspended
   * Job never ends). The stop now carries its reason on the Job, and the session ends with it.
   */
  @Test
  void aSessionWhoseJobWasStoppedFailsWithTheReasonTheStopCarried(
      ApiClient client, TestNamespace namespace) throws Exception {
    applyScenario(client, namespace);
    createSession(client, namespace, "stopped");
    awaitPhase(client, namespace, "stopped", SessionPhase.Running, 30);

    // What the stop writes, as an operator killed right after it would have left it.
    BatchV1Api batch = new BatchV1Api(client);
    io.kubernetes.client.util.PatchUtils.patch(
        V1Job.class,
        () ->
            batch
                .patchNamespacedJob(
                    "keepsake-backup-stopped",
                    namespace.name(),
                    new io.kubernetes.client.custom.V1Patch(
                        "{\"metadata\":{\"annotations\":{\"keepsake.dev/stopped-reason\":\"ImagePullBackOff\","
                            + "\"keepsake.dev/stopped-message\":\"image keepsake/runner:nope cannot be pulled\"}},"
                            + "\"spec\":{\"suspend\":true}}"))
                .buildCall(null),
        io.kubernetes.client.custom.V1Patch.PATCH_FORMAT_STRATEGIC_MERGE_PATCH,
        client);

    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                session(client, namespace, "stopped").getStatus().getPhase()
                    == SessionPhase.Failed);
    assertThat(session(client, namespace, "stopped").getStatus().getReason())
        .isEqualTo("ImagePullBackOff");
    assertThat(session(client, namespace, "stopped").getStatus().getMessage())
        .contains("keepsake/runner:nope cannot be pulled");
  }

  @Test
  void aSessionPastItsTimeoutFailsWithDeadlineExceeded(ApiClient client, TestNamespace namespace)
      throws Exception {
    applyScenario(client, namespace, "BackupConfiguration");
    JsonObject configuration = Examples.get("BackupConfiguration", "redis-nightly");
    Examples.with(configuration, "spec.timeout", "\"3s\"");
    Examples.createStrict(client, namespace.name(), configuration);

    createSession(client, namespace, "slow");

    awaitPhase(client, namespace, "slow", SessionPhase.Failed, 90);
    assertThat(session(client, namespace, "slow").getStatus().getReason())
        .isEqualTo("DeadlineExceeded");
    assertThat(session(client, namespace, "slow").getStatus().getMessage())
        .contains("did not finish within its timeout (3 s, spec.timeout)");
  }

  @Test
  void anOperatorRestartedMidwayFindsItsJobInsteadOfMakingASecond(
      LocalControlPlane controlPlane, TestNamespace namespace) throws Exception {
    ApiClient client = controlPlane.client();
    applyScenario(client, namespace);
    createSession(client, namespace, "survivor");
    awaitPhase(client, namespace, "survivor", SessionPhase.Running, 30);

    operator.close();
    operator =
        new Operator(
                controlPlane.client(),
                controlPlane.watchClient(),
                TestOperators.settings("keepsake/runner:test", null, 600, "keepsake-job"),
                Operator.loopback())
            .start();
    await().atMost(Duration.ofSeconds(30)).until(() -> operator.cluster().synced());
    finishPod(
        client,
        namespace,
        "keepsake-backup-survivor",
        0,
        "{\"reason\":\"Completed\",\"message\":\"done after restart\"}");

    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                session(client, namespace, "survivor").getStatus().getPhase()
                    == SessionPhase.Succeeded);
    assertThat(
            new BatchV1Api(client)
                .listNamespacedJob(namespace.name())
                .labelSelector("keepsake.dev/session=survivor")
                .execute()
                .getItems())
        .hasSize(1);
  }

  private static dev.keepsake.api.Repository repository(ApiClient client, TestNamespace namespace)
      throws ApiException {
    return ApiKind.REPOSITORY
        .api(client)
        .get(namespace.name(), "redis-s3")
        .throwsApiException()
        .getObject();
  }

  private static dev.keepsake.api.RestoreSession restore(ApiClient client, TestNamespace namespace)
      throws ApiException {
    return ApiKind.RESTORE_SESSION
        .api(client)
        .get(namespace.name(), "redis-restore")
        .throwsApiException()
        .getObject();
  }

  @Test
  void aRepositoryWithWipeOutIsWipedByAJobBeforeItGoes(ApiClient client, TestNamespace namespace)
      throws Exception {
    applyScenario(client, namespace);
    var repositories = ApiKind.REPOSITORY.api(client);
    patchSpec(client, namespace, "redis-local", "{\"spec\":{\"wipeOut\":true}}");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> finalizers(client, namespace, "redis-local").contains("keepsake.dev/wipe-out"));
    assertThat(finalizers(client, namespace, "redis-s3")).doesNotContain("keepsake.dev/wipe-out");

    repositories.delete(namespace.name(), "redis-local").throwsApiException();
    V1Job job =
        await()
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptions()
            .until(
                () ->
                    new BatchV1Api(client)
                        .readNamespacedJob("keepsake-wipe-redis-local", namespace.name())
                        .execute(),
                j -> j != null);
    assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand())
        .containsExactly("keepsake", "wipe", "--confirm", "redis-local");
    assertThat(repositories.get(namespace.name(), "redis-local").getObject())
        .as("kept until the wipe is done")
        .isNotNull();

    finishPod(
        client,
        namespace,
        "keepsake-wipe-redis-local",
        0,
        "{\"reason\":\"Completed\",\"message\":\"deleted the repository\"}");

    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> repositories.get(namespace.name(), "redis-local").getHttpStatusCode() == 404);
    Eventually.eventually(
        Duration.ofSeconds(30),
        () ->
            assertThat(eventReasons(client, namespace, "redis-local"))
                .contains("WipingOut", "WipedOut"));
  }

  @Test
  void aFailedWipeKeepsTheRepositoryAndSaysHowToLetItGo(ApiClient client, TestNamespace namespace)
      throws Exception {
    applyScenario(client, namespace);
    var repositories = ApiKind.REPOSITORY.api(client);
    patchSpec(client, namespace, "redis-local", "{\"spec\":{\"wipeOut\":true}}");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> finalizers(client, namespace, "redis-local").contains("keepsake.dev/wipe-out"));
    repositories.delete(namespace.name(), "redis-local").throwsApiException();

    finishPod(
        client,
        namespace,
        "keepsake-wipe-redis-local",
        1,
        "{\"reason\":\"RepositoryLocked\",\"message\":\"the repository is locked by a live process\"}");

    assertThat(awaitWipedOut(client, namespace, "WipeOutFailed").getMessage())
        .contains("locked by a live process", "set spec.wipeOut to false");
    Eventually.eventually(
        Duration.ofSeconds(30),
        () -> assertThat(eventReasons(client, namespace, "redis-local")).contains("WipeOutFailed"));

    patchSpec(client, namespace, "redis-local", "{\"spec\":{\"wipeOut\":false}}");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> repositories.get(namespace.name(), "redis-local").getHttpStatusCode() == 404);
  }

  /**
   * A quota with no room for Jobs: a requested check ends Failed with the API server's words, and a
   * deleted Repository with wipeOut stays, says why in its WipedOut condition and an Event, and
   * lets go once wipeOut is turned off.
   */
  @Test
  void jobsTheApiServerRefusesAreToldOnTheRepository(ApiClient client, TestNamespace namespace)
      throws Exception {
    applyScenario(client, namespace);
    patchSpec(client, namespace, "redis-local", "{\"spec\":{\"wipeOut\":true}}");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> finalizers(client, namespace, "redis-local").contains("keepsake.dev/wipe-out"));
    CoreV1Api core = new CoreV1Api(client);
    noRoomFor(core, namespace, "no-jobs", "count/jobs.batch");
    var repositories = ApiKind.REPOSITORY.api(client);

    ApiKind.REPOSITORY
        .api(client)
        .patch(
            namespace.name(),
            "redis-local",
            io.kubernetes.client.custom.V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
            new io.kubernetes.client.custom.V1Patch(
                "{\"metadata\":{\"annotations\":{\"keepsake.dev/request\":"
                    + "\"{\\\"id\\\":\\\"q1\\\",\\\"operation\\\":\\\"check\\\"}\"}}}"))
        .throwsApiException();
    var operation =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> {
                  var status = repositories.get(namespace.name(), "redis-local").getObject();
                  return status == null || status.getStatus() == null
                      ? null
                      : status.getStatus().getLastOperation();
                },
                last -> last != null && "q1".equals(last.getId()) && last.getPhase() != null);
    assertThat(operation.getPhase()).isEqualTo(SessionPhase.Failed);
    assertThat(operation.getReason()).isEqualTo("JobRefused");
    assertThat(operation.getMessage()).contains("the API server refused Job", "quota");

    repositories.delete(namespace.name(), "redis-local").throwsApiException();
    assertThat(awaitWipedOut(client, namespace, "WipeOutJobRefused").getMessage())
        .contains("keepsake-wipe-redis-local", "quota", "set spec.wipeOut to false");
    Eventually.eventually(
        Duration.ofSeconds(30),
        () ->
            assertThat(eventReasons(client, namespace, "redis-local"))
                .contains("JobRefused", "WipeOutJobRefused"));

    patchSpec(client, namespace, "redis-local", "{\"spec\":{\"wipeOut\":false}}");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> repositories.get(namespace.name(), "redis-local").getHttpStatusCode() == 404);
  }

  /**
   * No Job can be made in a namespace being deleted, and its Secret goes with it: a Repository with
   * wipeOut there lets go of its data instead of holding the namespace in Terminating for good.
   */
  @Test
  void aNamespaceDeletedWithAWipeOutRepositoryIsNotHeldForever(
      ApiClient client, TestNamespace namespace) throws Exception {
    applyScenario(client, namespace);
    patchSpec(client, namespace, "redis-local", "{\"spec\":{\"wipeOut\":true}}");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> finalizers(client, namespace, "redis-local").contains("keepsake.dev/wipe-out"));

    List<String> said = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Handler log =
        new java.util.logging.Handler() {
          @Override
          public void publish(java.util.logging.LogRecord record) {
            said.add(record.getMessage());
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    java.util.logging.Logger reconciler =
        java.util.logging.Logger.getLogger(
            dev.keepsake.operator.reconcile.RepositoryReconciler.class.getName());
    reconciler.addHandler(log);
    try {
      CoreV1Api core = new CoreV1Api(client);
      core.deleteNamespace(namespace.name()).execute();

      await()
          .atMost(Duration.ofSeconds(90))
          .until(
              () ->
                  ApiKind.REPOSITORY
                          .api(client)
                          .get(namespace.name(), "redis-local")
                          .getHttpStatusCode()
                      == 404);
      await()
          .atMost(Duration.ofSeconds(90))
          .ignoreExceptions()
          .until(
              () -> {
                try {
                  core.readNamespace(namespace.name()).execute();
                  return false;
                } catch (ApiException gone) {
                  return gone.getCode() == 404;
                }
              });
      assertThat(said)
          .as("the operator's log says the data was kept, and where")
          .anySatisfy(
              line ->
                  assertThat(line)
                      .contains(
                          namespace.name() + "/redis-local is not wiped",
                          "namespace is being deleted",
                          "the data stays at local:"));
    } finally {
      reconciler.removeHandler(log);
    }
  }

  private static void patchSpec(
      ApiClient client, TestNamespace namespace, String repository, String patch)
      throws ApiException {
    ApiKind.REPOSITORY
        .api(client)
        .patch(
            namespace.name(),
            repository,
            io.kubernetes.client.custom.V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
            new io.kubernetes.client.custom.V1Patch(patch))
        .throwsApiException();
  }

  private static List<String> finalizers(
      ApiClient client, TestNamespace namespace, String repository) throws ApiException {
    List<String> finalizers =
        ApiKind.REPOSITORY
            .api(client)
            .get(namespace.name(), repository)
            .throwsApiException()
            .getObject()
            .getMetadata()
            .getFinalizers();
    return finalizers == null ? List.of() : finalizers;
  }

  /** The WipedOut condition of redis-local, once it has {@code reason}. */
  private static V1Condition awaitWipedOut(
      ApiClient client, TestNamespace namespace, String reason) {
    return await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                wipedOut(
                    ApiKind.REPOSITORY
                        .api(client)
                        .get(namespace.name(), "redis-local")
                        .getObject()),
            condition -> condition != null && reason.equals(condition.getReason()));
  }

  private static V1Condition wipedOut(dev.keepsake.api.Repository repository) {
    return repository == null
            || repository.getStatus() == null
            || repository.getStatus().getConditions() == null
        ? null
        : repository.getStatus().getConditions().stream()
            .filter(c -> "WipedOut".equals(c.getType()))
            .findFirst()
            .orElse(null);
  }

  private static void awaitRunnersServiceAccount(CoreV1Api core, TestNamespace namespace) {
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () -> core.readNamespacedServiceAccount("keepsake-job", namespace.name()).execute(),
            account -> account != null);
  }

  private static List<String> eventReasons(ApiClient client, TestNamespace namespace, String name)
      throws ApiException {
    return ObjectEvents.reasons(client, namespace.name(), name);
  }

  private static List<String> sessionNames(ApiClient client, TestNamespace namespace)
      throws ApiException {
    return ApiKind.BACKUP_SESSION
        .api(client)
        .list(namespace.name())
        .throwsApiException()
        .getObject()
        .getItems()
        .stream()
        .map(s -> s.getMetadata().getName())
        .toList();
  }

  /** What a kubelet would write when the pod's containers end. */
  private static void finishPod(
      ApiClient client, TestNamespace namespace, String jobName, int exitCode, String message) {
    CoreV1Api core = new CoreV1Api(client);
    V1Pod pod =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    core.listNamespacedPod(namespace.name())
                        .labelSelector("batch.kubernetes.io/job-name=" + jobName)
                        .execute()
                        .getItems(),
                pods -> !pods.isEmpty())
            .get(0);
    OffsetDateTime now = OffsetDateTime.now();
    V1ContainerState terminated =
        new V1ContainerState()
            .terminated(
                new V1ContainerStateTerminated()
                    .exitCode(exitCode)
                    .reason(exitCode == 0 ? "Completed" : "Error")
                    .message(message)
                    .startedAt(now)
                    .finishedAt(now));
    pod.getStatus()
        .phase(exitCode == 0 ? "Succeeded" : "Failed")
        .initContainerStatuses(
            pod.getSpec().getInitContainers().stream()
                .map(
                    c ->
                        new V1ContainerStatus()
                            .name(c.getName())
                            .image(c.getImage())
                            .imageID("")
                            .ready(false)
                            .restartCount(0)
                            .state(
                                new V1ContainerState()
                                    .terminated(
                                        new V1ContainerStateTerminated()
                                            .exitCode(0)
                                            .reason("Completed")
                                            .startedAt(now)
                                            .finishedAt(now))))
                .toList())
        .containerStatuses(
            pod.getSpec().getContainers().stream()
                .map(
                    c ->
                        new V1ContainerStatus()
                            .name(c.getName())
                            .image(c.getImage())
                            .imageID("")
                            .ready(false)
                            .restartCount(0)
                            .state(terminated))
                .toList());
    try {
      core.replaceNamespacedPodStatus(pod.getMetadata().getName(), namespace.name(), pod).execute();
    } catch (ApiException e) {
      throw new IllegalStateException("cannot write the pod's status: " + e.getResponseBody(), e);
    }
  }

  private static boolean canPatchStatus(
      ApiClient client, String user, String namespace, String session) throws Exception {
    return new io.kubernetes.client.openapi.apis.AuthorizationV1Api(client)
        .createSubjectAccessReview(
            new io.kubernetes.client.openapi.models.V1SubjectAccessReview()
                .spec(
                    new io.kubernetes.client.openapi.models.V1SubjectAccessReviewSpec()
                        .user(user)
                        .groups(
                            List.of(
                                "system:serviceaccounts",
                                "system:serviceaccounts:" + namespace,
                                "system:authenticated"))
                        .resourceAttributes(
                            new io.kubernetes.client.openapi.models.V1ResourceAttributes()
                                .verb("patch")
                                .group("keepsake.dev")
                                .resource("backupsessions")
                                .subresource("status")
                                .name(session)
                                .namespace(namespace))))
        .execute()
        .getStatus()
        .getAllowed();
  }
}
