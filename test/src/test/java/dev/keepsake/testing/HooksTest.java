package dev.keepsake.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.keepsake.api.ApiKind;
import dev.keepsake.api.BackupSession;
import dev.keepsake.api.HookStatus;
import dev.keepsake.api.RestoreSession;
import dev.keepsake.api.SessionPhase;
import dev.keepsake.operator.app.Operator;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.BatchV1Api;
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
 * Hooks around backups and restores, run by the operator: HTTP hooks against a local server that
 * stands for an application's pause and resume endpoints and for a notification receiver. (Exec
 * hooks need a real kubelet: RealNodeTest.)
 */
@ExtendWith(LocalControlPlaneExtension.class)
class HooksTest {
  private static final String REDIS_PASSWORD = "hooks redis password";
  private static final String RESTIC_PASSWORD = "hooks restic password";
  private static Operator operator;
  private static KubeletStandIn kubelet;
  private static RedisServer redis;
  private static WebhookReceiver app;
  private static Path repositories;

  @BeforeAll
  static void startEverything(LocalControlPlane controlPlane, @TempDir Path work) throws Exception {
    redis = RedisServer.start(work.resolve("redis"), REDIS_PASSWORD);
    RedisDataSet.seed(redis);
    app = WebhookReceiver.onLoopback();
    repositories = Files.createDirectories(work.resolve("repositories"));
    operator =
        new Operator(
                controlPlane.client(),
                controlPlane.watchClient(),
                TestOperators.settings("keepsake/runner:hooks", null, 600, "keepsake-job"),
                Operator.loopback())
            .start();
    kubelet =
        KubeletStandIn.start(controlPlane, work.resolve("kubelet"), LocalTools.runnerEnvironment());
  }

  @AfterAll
  static void stopEverything() {
    kubelet.close();
    operator.close();
    app.close();
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
    return scenario;
  }

  private static RedisScenario scenario(ApiClient client, TestNamespace namespace)
      throws ApiException {
    return scenario(client, namespace, "redis://127.0.0.1:" + redis.port());
  }

  /** The receiver's URL for a path of this test's own. */
  private static String url(TestNamespace namespace, String path) {
    return app.url("/" + namespace.name() + path);
  }

  private static List<String> pathsOf(TestNamespace namespace) {
    String prefix = "/" + namespace.name();
    return app.paths().stream()
        .filter(p -> p.startsWith(prefix + "/"))
        .map(p -> p.substring(prefix.length()))
        .toList();
  }

  private static WebhookReceiver.Request request(TestNamespace namespace, String path) {
    return app.requests().stream()
        .filter(r -> r.path().equals("/" + namespace.name() + path))
        .findFirst()
        .orElseThrow();
  }

  private static BackupSession backUp(
      ApiClient client, TestNamespace namespace, RedisScenario scenario, String name)
      throws ApiException {
    return scenario.backUpAndWait(name);
  }

  private static List<String> hookPhases(List<HookStatus> hooks) {
    return hooks.stream().map(h -> h.getStage() + "/" + h.getName() + ":" + h.getPhase()).toList();
  }

  private static List<String> eventsOf(ApiClient client, TestNamespace namespace, String object)
      throws ApiException {
    return ObjectEvents.of(client, namespace.name(), object).stream()
        .map(e -> e.getReason() + ": " + e.getMessage())
        .toList();
  }

  @Test
  void aNotificationAfterEachBackupCarriesTheSessionsOutcome(
      ApiClient client, TestNamespace namespace) throws Exception {
    RedisScenario scenario = scenario(client, namespace);
    scenario.configureWithHooks(
        """
        {postBackup: [
          {name: notify, httpPost: {url: "%s"}},
          {name: chat, httpPost: {url: "%s", body: '{"text": "${SESSION} of ${CONFIGURATION} ended ${PHASE}: ${MESSAGE}"}',
            headers: [{name: X-Source, value: "keepsake ${NAMESPACE}"}]}}]}"""
            .formatted(url(namespace, "/notify"), url(namespace, "/chat")));

    BackupSession session = backUp(client, namespace, scenario, "nightly-1");

    assertThat(session.getStatus().getPhase())
        .as(session.getStatus().getMessage())
        .isEqualTo(SessionPhase.Succeeded);
    assertThat(pathsOf(namespace)).containsExactly("/notify", "/chat");
    JsonObject notice =
        JsonParser.parseString(request(namespace, "/notify").body()).getAsJsonObject();
    assertThat(notice.get("phase").getAsString()).isEqualTo("Succeeded");
    assertThat(notice.get("session").getAsString()).isEqualTo("nightly-1");
    assertThat(notice.get("namespace").getAsString()).isEqualTo(namespace.name());
    assertThat(notice.get("configuration").getAsString()).isEqualTo(RedisScenario.CONFIGURATION);
    assertThat(notice.get("snapshot").getAsString())
        .isEqualTo(session.getStatus().getSnapshotId())
        .isNotBlank();
    assertThat(notice.get("message").getAsString())
        .contains("snapshot " + session.getStatus().getSnapshotId());
    assertThat(request(namespace, "/notify").contentType()).isEqualTo("application/json");
    WebhookReceiver.Request chat = request(namespace, "/chat");
    assertThat(JsonParser.parseString(chat.body()).getAsJsonObject().get("text").getAsString())
        .as("the message is JSON-escaped into the body")
        .startsWith("nightly-1 of redis-backup ended Succeeded: ")
        .contains(session.getStatus().getSnapshotId());
    assertThat(chat.headers().get("X-source")).containsExactly("keepsake " + namespace.name());
    assertThat(hookPhases(session.getStatus().getHooks()))
        .containsExactly("PostBackup/notify:Succeeded", "PostBackup/chat:Succeeded");
    HookStatus notify = session.getStatus().getHooks().get(0);
    assertThat(notify.getMessage())
        .isEqualTo("POST " + url(namespace, "/notify") + " answered 200");
    assertThat(notify.getOutput()).isEqualTo("answer to /" + namespace.name() + "/notify");
    assertThat(notify.getDuration()).endsWith("s");
    assertThat(notify.getStartTime()).isNotNull();
    Eventually.eventually(
        Duration.ofSeconds(30),
        () ->
            assertThat(eventsOf(client, namespace, "nightly-1"))
                .contains(
                    "HookSucceeded: spec.hooks.postBackup[notify]: POST "
                        + url(namespace, "/notify")
                        + " answered 200"));
  }

  @Test
  void writesArePausedBeforeAndResumedAfterABackupThatFails(
      ApiClient client, TestNamespace namespace) throws Exception {
    // Nothing listens on port 1: the dump fails after the pre hook paused the app.
    RedisScenario scenario = scenario(client, namespace, "redis://127.0.0.1:1");
    scenario.configureWithHooks(
        """
        {preBackup: [{name: pause, httpPost: {url: "%s"}}],
         postBackup: [
           {name: resume, httpPost: {url: "%s"}, executionPolicy: Always},
           {name: page-someone, httpPost: {url: "%s"}, executionPolicy: OnFailure},
           {name: celebrate, httpGet: {url: "%s"}, executionPolicy: OnSuccess}]}"""
            .formatted(
                url(namespace, "/pause"),
                url(namespace, "/resume"),
                url(namespace, "/page"),
                url(namespace, "/celebrate")));

    BackupSession session = backUp(client, namespace, scenario, "failing");

    assertThat(session.getStatus().getPhase()).isEqualTo(SessionPhase.Failed);
    assertThat(session.getStatus().getReason()).isNotEqualTo("HookFailed");
    assertThat(pathsOf(namespace)).containsExactly("/pause", "/resume", "/page");
    assertThat(
            JsonParser.parseString(request(namespace, "/page").body())
                .getAsJsonObject()
                .get("phase")
                .getAsString())
        .isEqualTo("Failed");
    assertThat(hookPhases(session.getStatus().getHooks()))
        .containsExactly(
            "PreBackup/pause:Succeeded",
            "PostBackup/resume:Succeeded",
            "PostBackup/page-someone:Succeeded",
            "PostBackup/celebrate:Skipped");
    assertThat(session.getStatus().getHooks().get(3).getMessage())
        .isEqualTo("executionPolicy is OnSuccess and the backup ended Failed");
    assertThat(session.getStatus().getJobName()).as("the backup itself ran").isNotNull();
  }

  @Test
  void aFailedPreHookMeansNoBackupRunsAndTheSessionSaysWhy(
      ApiClient client, TestNamespace namespace) throws Exception {
    RedisScenario scenario = scenario(client, namespace);
    app.answer("/" + namespace.name() + "/pause", 503);
    scenario.configureWithHooks(
        """
        {preBackup: [{name: pause, httpPost: {url: "%s"}, timeoutSeconds: 5}],
         postBackup: [{name: resume, httpPost: {url: "%s"}, executionPolicy: OnFailure}]}"""
            .formatted(url(namespace, "/pause"), url(namespace, "/resume")));

    BackupSession session = backUp(client, namespace, scenario, "refused");

    assertThat(session.getStatus().getPhase()).isEqualTo(SessionPhase.Failed);
    assertThat(session.getStatus().getReason()).isEqualTo("HookFailed");
    assertThat(session.getStatus().getMessage())
        .isEqualTo(
            "preBackup hook 'pause' failed: POST "
                + url(namespace, "/pause")
                + " answered 503, expected 2xx; so no backup was run");
    assertThat(new BatchV1Api(client).listNamespacedJob(namespace.name()).execute().getItems())
        .as("no Job")
        .isEmpty();
    assertThat(pathsOf(namespace)).containsExactly("/pause", "/resume");
    assertThat(session.getStatus().getHooks().get(0).getOutput())
        .isEqualTo("answer to /" + namespace.name() + "/pause");
    Eventually.eventually(
        Duration.ofSeconds(30),
        () ->
            assertThat(eventsOf(client, namespace, "refused"))
                .anyMatch(e -> e.startsWith("HookFailed: spec.hooks.preBackup[pause]: POST ")));
  }

  @Test
  void hooksThatMayFailArePassedOverAndToldAndABadVariableIsNamed(
      ApiClient client, TestNamespace namespace) throws Exception {
    RedisScenario scenario = scenario(client, namespace);
    scenario.configureWithHooks(
        """
        {preBackup: [
           {name: flush, exec: {command: [redis-cli, BGSAVE], podSelector: {app: nowhere}}, onFailure: Continue},
           {name: probe, httpGet: {url: "%s", expectedStatus: [204]}, onFailure: Continue}],
         postBackup: [{name: notify, httpPost: {url: "%s?channel=${CHANNEL}"}}]}"""
            .formatted(url(namespace, "/probe"), url(namespace, "/notify")));

    BackupSession session = backUp(client, namespace, scenario, "careless");

    assertThat(session.getStatus().getPhase()).isEqualTo(SessionPhase.Failed);
    assertThat(session.getStatus().getReason()).isEqualTo("HookFailed");
    assertThat(session.getStatus().getMessage())
        .startsWith(
            "postBackup hook 'notify' failed: spec.hooks.postBackup[notify].httpPost.url uses ${CHANNEL}, which no"
                + " session defines; the variables are NAMESPACE, SESSION, ")
        .contains("; the backup itself succeeded: ")
        .contains("snapshot " + session.getStatus().getSnapshotId())
        .contains(
            "; hook 'flush' (preBackup) failed and was passed over (onFailure: Continue): no running and ready pod in"
                + " namespace "
                + namespace.name()
                + " among the pods with labels app=nowhere (exec.podSelector)")
        .contains(
            "; hook 'probe' (preBackup) failed and was passed over (onFailure: Continue): GET "
                + url(namespace, "/probe")
                + " answered 200, expected [204]");
    assertThat(pathsOf(namespace)).containsExactly("/probe");
  }

  @Test
  void writersAreStoppedBeforeARestoreAndStartedAfterIt(ApiClient client, TestNamespace namespace)
      throws Exception {
    RedisScenario scenario = scenario(client, namespace);
    scenario.configure("@daily", false);
    BackupSession backup = backUp(client, namespace, scenario, "first");
    assertThat(backup.getStatus().getPhase())
        .as(backup.getStatus().getMessage())
        .isEqualTo(SessionPhase.Succeeded);

    scenario.restoreLatest(
        "back",
        """
        {preRestore: [{name: stop-writers, httpPost: {url: "%s", body: "stop", contentType: text/plain}}],
         postRestore: [{name: start-writers, httpPost: {url: "%s", body: '{"restored": "${SNAPSHOT}", "phase": "${PHASE}"}'}}]}"""
            .formatted(url(namespace, "/stop"), url(namespace, "/start")));
    RestoreSession restore =
        await()
            .atMost(Duration.ofMinutes(2))
            .pollInterval(Duration.ofMillis(500))
            .ignoreExceptions()
            .until(
                () ->
                    ApiKind.RESTORE_SESSION
                        .api(client)
                        .get(namespace.name(), "back")
                        .throwsApiException()
                        .getObject(),
                r ->
                    r.getStatus() != null
                        && r.getStatus().getPhase() != null
                        && r.getStatus().getPhase().isFinished());

    assertThat(restore.getStatus().getPhase())
        .as(restore.getStatus().getMessage())
        .isEqualTo(SessionPhase.Succeeded);
    assertThat(pathsOf(namespace)).containsExactly("/stop", "/start");
    assertThat(request(namespace, "/stop").body()).isEqualTo("stop");
    assertThat(request(namespace, "/stop").contentType()).isEqualTo("text/plain");
    JsonObject started =
        JsonParser.parseString(request(namespace, "/start").body()).getAsJsonObject();
    assertThat(started.get("restored").getAsString())
        .isEqualTo(restore.getStatus().getSnapshotId())
        .startsWith(backup.getStatus().getSnapshotId().substring(0, 8));
    assertThat(started.get("phase").getAsString()).isEqualTo("Succeeded");
    assertThat(hookPhases(restore.getStatus().getHooks()))
        .containsExactly(
            "PreRestore/stop-writers:Succeeded", "PostRestore/start-writers:Succeeded");
  }
}
