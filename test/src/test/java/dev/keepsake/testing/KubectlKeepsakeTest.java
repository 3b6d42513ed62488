package dev.keepsake.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.keepsake.api.ApiKind;
import dev.keepsake.api.BackupConfiguration;
import dev.keepsake.api.Repository;
import dev.keepsake.api.RestoreSession;
import dev.keepsake.api.SessionPhase;
import dev.keepsake.operator.app.Operator;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * kubectl keepsake as a user meets it, on the local control plane with the operator, the kubelet
 * stand-in, a real Redis and restic repositories in local folders: every command's output and exit
 * status, the failures told in one line, and a restore of a snapshot chosen from `snapshots`.
 */
@ExtendWith(LocalControlPlaneExtension.class)
class KubectlKeepsakeTest {
  private static final String REDIS_PASSWORD = "plugin redis password";
  private static final String RESTIC_PASSWORD = "plugin restic password";
  private static Operator operator;
  private static KubeletStandIn kubelet;
  private static RedisServer redis;
  private static Path repositories;
  private static LocalControlPlane cluster;
  private static PluginRun.User user;

  /** The launcher's cache, with a space in its path as a user's may have. */
  private static Path cache;

  @BeforeAll
  static void startEverything(LocalControlPlane controlPlane, @TempDir Path work)
      throws IOException {
    cluster = controlPlane;
    redis = RedisServer.start(work.resolve("redis"), REDIS_PASSWORD);
    repositories = Files.createDirectories(work.resolve("repositories"));
    operator = startOperator();
    kubelet =
        KubeletStandIn.start(controlPlane, work.resolve("kubelet"), LocalTools.runnerEnvironment());
    user = PluginRun.User.script(controlPlane.kubeconfig());
    cache = Files.createDirectories(work.resolve("user cache"));
  }

  private static Operator startOperator() {
    try {
      return new Operator(
              cluster.client(),
              cluster.watchClient(),
              TestOperators.settings("keepsake/runner:plugin", null, 600, "keepsake-job"),
              Operator.loopback())
          .start();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @AfterAll
  static void stopEverything() {
    kubelet.close();
    operator.close();
    redis.close();
  }

  private static RedisScenario scenario(ApiClient client, TestNamespace namespace)
      throws Exception {
    RedisScenario scenario = new RedisScenario(client, namespace.name());
    scenario.setUp(
        redis,
        RedisScenario.localRepository(repository(namespace)),
        Map.of("RESTIC_PASSWORD", RESTIC_PASSWORD));
    scenario.configure("0 3 * * *", false);
    return scenario;
  }

  private static Path repository(TestNamespace namespace) {
    return repositories.resolve(namespace.name());
  }

  private static Repository awaitSnapshotsListed(
      ApiClient client, TestNamespace namespace, int count) {
    return Eventually.eventually(
        Duration.ofSeconds(30),
        () ->
            ApiKind.REPOSITORY
                .api(client)
                .get(namespace.name(), RedisScenario.REPOSITORY)
                .getObject(),
        r ->
            r.getStatus() != null
                && r.getStatus().getSnapshots() != null
                && r.getStatus().getSnapshots().size() == count);
  }

  @Test
  void aMorningBacksUpListsAndRestoresAnOlderSnapshotWithoutWritingYaml(
      ApiClient client, TestNamespace namespace) throws Exception {
    String ns = namespace.name();
    scenario(client, namespace);
    RedisDataSet.flushAll(redis);

    PluginRun before = user.run("status", "-n", ns);
    assertThat(before.exit()).as(before.toString()).isZero();
    assertThat(before.rows()).hasSize(1);
    assertThat(before.rows().get(0)).startsWith("redis-backup", "0 3 * * * UTC", "never", "-");
    assertThat(before.rows().get(0).get(4)).startsWith("in ");

    RedisDataSet.set(redis, "order", "first");
    PluginRun first = user.run("trigger", "redis-backup", "-n", ns);
    assertThat(first.exit()).as(first.toString()).isZero();
    assertThat(first.out())
        .containsPattern(
            "backupsession redis-backup-manual-\\d{8}-\\d{6}-[a-z0-9]{4} created in namespace "
                + ns)
        .containsPattern("(?m)^backupsession redis-backup-manual-\\S+ Succeeded");
    RedisDataSet.set(redis, "order", "second");
    PluginRun again = user.atTerminal("").run("trigger", "redis-backup", "-n", ns);
    assertThat(again.exit()).as(again.toString()).isZero();
    assertThat(again.out())
        .as("one line updated in place on a terminal")
        .contains("\r\033[K")
        .contains("Succeeded");

    awaitSnapshotsListed(client, namespace, 2);
    PluginRun snapshots = user.run("snapshots", RedisScenario.REPOSITORY, "-n", ns);
    assertThat(snapshots.exit()).as(snapshots.toString()).isZero();
    assertThat(snapshots.out().lines().findFirst().orElseThrow())
        .startsWith("ID")
        .contains("TIME", "HOST", "SIZE", "SESSION", "TAGS");
    List<List<String>> rows = snapshots.rows();
    assertThat(rows).hasSize(2).allSatisfy(row -> assertThat(row.get(2)).isEqualTo(ns + "/redis"));
    String older = rows.get(1).get(0);
    assertThat(rows.get(1).get(4)).startsWith(ns + "/redis-backup-manual-");
    assertThat(rows.get(1).get(1))
        .matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d \\S+ \\(\\d+s ago\\)");
    assertThat(
            user.run("snapshots", RedisScenario.REPOSITORY, "-n", ns, "--target", "someone-else")
                .out())
        .startsWith("No snapshots match");

    RedisDataSet.flushAll(redis);
    PluginRun restore = user.run("restore", "redis-backup", "--snapshot", older, "--yes", "-n", ns);
    assertThat(restore.exit()).as(restore.toString()).isZero();
    assertThat(restore.out())
        .containsPattern("(?m)^restoresession redis-backup-restore-\\S+ Succeeded");
    assertThat(RedisDataSet.get(redis, "order")).isEqualTo("first");

    PluginRun status = user.run("status", "redis-backup", "-n", ns);
    assertThat(status.exit()).as(status.toString()).isZero();
    assertThat(status.out())
        .contains("Schedule:       0 3 * * * (at 03:00, UTC)")
        .contains("Last success:")
        .contains("SESSION")
        .contains("Manual")
        .doesNotContain("OVERDUE")
        .doesNotContain("Last error");
    assertThat(
            status
                .out()
                .lines()
                .filter(
                    line -> line.startsWith("redis-backup-manual-") && line.contains("Succeeded")))
        .hasSize(2);

    JsonObject json =
        JsonParser.parseString(user.run("status", "redis-backup", "-n", ns, "-o", "json").out())
            .getAsJsonObject();
    assertThat(json.get("name").getAsString()).isEqualTo("redis-backup");
    assertThat(json.get("overdue").getAsBoolean()).isFalse();
    JsonArray sessions = json.getAsJsonArray("sessions");
    assertThat(sessions).hasSize(2);
    assertThat(sessions.get(1).getAsJsonObject().get("snapshot").getAsString()).startsWith(older);
    Object yaml =
        new Yaml()
            .load(user.run("snapshots", RedisScenario.REPOSITORY, "-n", ns, "-o", "yaml").out());
    assertThat(yaml).asList().hasSize(2);
  }

  @Test
  void aFailedBackupEndsInExitOneAndStatusAndLogsSayWhy(ApiClient client, TestNamespace namespace)
      throws Exception {
    String ns = namespace.name();
    RedisScenario scenario = scenario(client, namespace);
    int closed = Ports.free();
    scenario.apply(
        """
        apiVersion: keepsake.dev/v1alpha1
        kind: AppBinding
        metadata: {name: redis-gone}
        spec:
          type: redis
          clientConfig: {url: "redis://127.0.0.1:%d"}
          secret: {name: redis-auth}
        ---
        apiVersion: keepsake.dev/v1alpha1
        kind: BackupConfiguration
        metadata: {name: gone}
        spec:
          schedule: "@daily"
          repository: {name: %s}
          target:
            ref: {apiGroup: keepsake.dev, kind: AppBinding, name: redis-gone}
          task: {name: redis-backup-7}
        """
            .formatted(closed, RedisScenario.REPOSITORY));

    PluginRun trigger = user.run("trigger", "gone", "-n", ns);

    assertThat(trigger.exit()).as(trigger.toString()).isEqualTo(1);
    assertThat(trigger.err())
        .containsPattern(
            "^error: backupsession gone-manual-\\S+ Failed \\(\\w+\\): .*127\\.0\\.0\\.1:"
                + closed);
    String session = trigger.out().lines().findFirst().orElseThrow().split(" ")[1];
    assertThat(trigger.err())
        .endsWith("\nLook closer: kubectl keepsake logs " + session + " -n " + ns + "\n");

    PluginRun status = user.run("status", "gone", "-n", ns);
    assertThat(status.out()).contains("Last error:     " + session).contains("127.0.0.1:" + closed);
    assertThat(status.out().lines().filter(line -> line.startsWith(session)))
        .singleElement()
        .asString()
        .contains("Failed");

    PluginRun logs = user.run("logs", session, "-n", ns);
    assertThat(logs.exit()).as(logs.toString()).isZero();
    assertThat(logs.out())
        .containsPattern(
            "==> pod/keepsake-backup-"
                + session
                + "-\\w+ step redis-backup-7: exited 1 \\(Error\\)")
        .contains("(no log: the pod is on no node)")
        .contains("termination message: ")
        .contains("==> backupsession/" + session + ": Failed (RedisUnreachable)")
        .contains("127.0.0.1:" + closed);
  }

  @Test
  void pauseSkipsTriggeredSessionsUntilResume(ApiClient client, TestNamespace namespace)
      throws Exception {
    String ns = namespace.name();
    scenario(client, namespace);

    PluginRun pause = user.run("pause", "redis-backup", "-n", ns);
    assertThat(pause.exit()).as(pause.toString()).isZero();
    assertThat(pause.out())
        .isEqualTo("backupconfiguration redis-backup paused in namespace " + ns + "\n");
    assertThat(
            ApiKind.BACKUP_CONFIGURATION
                .api(client)
                .get(ns, "redis-backup")
                .getObject()
                .getSpec()
                .getPaused())
        .isTrue();
    assertThat(user.run("status", "-n", ns).rows().get(0)).contains("Paused");

    PluginRun skipped = user.run("trigger", "redis-backup", "-n", ns);
    assertThat(skipped.out()).contains("note: redis-backup is paused");
    assertThat(skipped.exit()).isEqualTo(1);
    assertThat(skipped.err()).containsPattern("error: backupsession \\S+ Skipped");

    PluginRun resume = user.run("resume", "redis-backup", "-n", ns);
    assertThat(resume.exit()).isZero();
    assertThat(
            ApiKind.BACKUP_CONFIGURATION
                .api(client)
                .get(ns, "redis-backup")
                .getObject()
                .getSpec()
                .getPaused())
        .isFalse();
    PluginRun resumed = user.run("trigger", "redis-backup", "-n", ns);
    assertThat(resumed.exit()).as(resumed.toString()).isZero();
  }

  @Test
  void unlockRemovesOnlyStaleLocksUnlessAllIsConfirmedAndCheckPasses(
      ApiClient client, TestNamespace namespace) throws Exception {
    String ns = namespace.name();
    scenario(client, namespace);
    assertThat(user.run("trigger", "redis-backup", "-n", ns).exit()).isZero();
    // The live lock first: a restic that starts may clear stale locks of this host, so the dead one
    // is made last, by a restic killed after it took its lock.
    Process live = holdLock(repository(namespace));
    Process dead = holdLock(repository(namespace));
    dead.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    try {
      assertThat(locks(repository(namespace))).isEqualTo(2);

      PluginRun unlock = user.run("unlock", RedisScenario.REPOSITORY, "-n", ns);

      assertThat(unlock.exit()).as(unlock.toString()).isZero();
      assertThat(unlock.out())
          .containsPattern("unlock \\S+ asked of repository backups in namespace " + ns)
          .contains("removed 1 of 2 lock(s)")
          .contains("1 lock(s) remain, left alone: restic judges them live");
      assertThat(locks(repository(namespace))).isEqualTo(1);

      PluginRun unconfirmed = user.run("unlock", RedisScenario.REPOSITORY, "--all", "-n", ns);
      assertThat(unconfirmed.exit()).isEqualTo(1);
      assertThat(unconfirmed.err())
          .contains("Not confirmed: no terminal to ask on; add --yes to go ahead");
      PluginRun declined =
          user.atTerminal("no\n").run("unlock", RedisScenario.REPOSITORY, "--all", "-n", ns);
      assertThat(declined.exit()).isEqualTo(1);
      assertThat(declined.err()).contains("not confirmed; nothing was changed");
      assertThat(locks(repository(namespace))).isEqualTo(1);

      PluginRun all =
          user.atTerminal("y\n").run("unlock", RedisScenario.REPOSITORY, "--all", "-n", ns);
      assertThat(all.exit()).as(all.toString()).isZero();
      assertThat(all.out()).contains("[y/N]").contains("removed 1 of 1 lock(s)");
      assertThat(locks(repository(namespace))).isZero();
    } finally {
      live.destroyForcibly();
    }

    PluginRun check =
        user.run("check", RedisScenario.REPOSITORY, "--read-data-subset", "50%", "-n", ns);
    assertThat(check.exit()).as(check.toString()).isZero();
    assertThat(check.out())
        .containsPattern(
            "(?m)^check \\S+ Succeeded \\(Completed\\): the repository .* has no errors \\(data subset 50% read\\)");
    Repository repository =
        ApiKind.REPOSITORY.api(client).get(ns, RedisScenario.REPOSITORY).getObject();
    assertThat(repository.getStatus().getLastOperation().getOperation()).isEqualTo("check");
    // A check asked for once is not the scheduled check that lastCheck* and Checked tell of.
    assertThat(repository.getStatus().getLastCheckResult()).isNull();
    Eventually.eventually(
        Duration.ofSeconds(30),
        () ->
            assertThat(new CoreV1Api(client).listNamespacedEvent(ns).execute().getItems())
                .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("OperationSucceeded")));

    // A request the operator has not taken up yet is not overwritten by a second one.
    operator.close();
    try {
      PluginRun waiting = user.run("check", RedisScenario.REPOSITORY, "--no-wait", "-n", ns);
      assertThat(waiting.exit()).as(waiting.toString()).isZero();
      PluginRun second = user.run("unlock", RedisScenario.REPOSITORY, "-n", ns);
      assertThat(second.exit()).isEqualTo(1);
      assertThat(second.err())
          .containsPattern("error: check \\S+ waits for the operator on repository backups");
    } finally {
      operator = startOperator();
    }
    await()
        .atMost(Duration.ofMinutes(1))
        .until(
            () -> {
              Repository seen =
                  ApiKind.REPOSITORY.api(client).get(ns, RedisScenario.REPOSITORY).getObject();
              return seen.getStatus().getLastOperation().getPhase() == SessionPhase.Succeeded
                  && !seen.getStatus()
                      .getLastOperation()
                      .getId()
                      .equals(repository.getStatus().getLastOperation().getId());
            });

    PluginRun badSubset =
        user.run("check", RedisScenario.REPOSITORY, "--read-data-subset", "half", "-n", ns);
    assertThat(badSubset.exit()).isEqualTo(2);
    assertThat(badSubset.err())
        .contains("--read-data-subset \"half\" is not a percentage up to 100% (10%), a part n/m");
  }

  @Test
  void aHandWrittenRequestTheOperatorCannotRunGetsAStatusAndAWarningAndNoJob(
      ApiClient client, TestNamespace namespace) throws Exception {
    String ns = namespace.name();
    scenario(client, namespace);
    JsonObject annotations = new JsonObject();
    annotations.addProperty(
        "keepsake.dev/request",
        "{\"id\":\"h1\",\"operation\":\"check\",\"readDataSubset\":\"1%; rm -rf /\"}");
    JsonObject metadata = new JsonObject();
    metadata.add("annotations", annotations);
    JsonObject patch = new JsonObject();
    patch.add("metadata", metadata);
    ApiKind.REPOSITORY
        .api(client)
        .patch(
            ns,
            RedisScenario.REPOSITORY,
            io.kubernetes.client.custom.V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
            new io.kubernetes.client.custom.V1Patch(patch.toString()))
        .throwsApiException();

    Repository refused =
        await()
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptions()
            .until(
                () -> ApiKind.REPOSITORY.api(client).get(ns, RedisScenario.REPOSITORY).getObject(),
                r -> r.getStatus() != null && r.getStatus().getLastOperation() != null);

    assertThat(refused.getStatus().getLastOperation().getPhase()).isEqualTo(SessionPhase.Failed);
    assertThat(refused.getStatus().getLastOperation().getReason()).isEqualTo("InvalidRequest");
    assertThat(refused.getStatus().getLastOperation().getMessage())
        .contains("readDataSubset \"1%; rm -rf /\" is not a percentage");
    Eventually.eventually(
        Duration.ofSeconds(30),
        () ->
            assertThat(new CoreV1Api(client).listNamespacedEvent(ns).execute().getItems())
                .anySatisfy(
                    e -> {
                      assertThat(e.getReason()).isEqualTo("InvalidRequest");
                      assertThat(e.getType()).isEqualTo("Warning");
                    }));
    assertThat(
            new io.kubernetes.client.openapi.apis.BatchV1Api(client)
                .listNamespacedJob(ns)
                .execute()
                .getItems())
        .isEmpty();
  }

  /** A restic backup that waits for input it never gets, holding its lock until it is killed. */
  private static Process holdLock(Path repository) throws IOException, InterruptedException {
    int before = locks(repository);
    ProcessBuilder builder =
        new ProcessBuilder(
                "restic",
                "-r",
                repository.toString(),
                "backup",
                "--stdin",
                "--stdin-filename",
                "held")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    builder.environment().put("RESTIC_PASSWORD", RESTIC_PASSWORD);
    builder.environment().put("RESTIC_CACHE_DIR", repository.resolveSibling("cache").toString());
    Process process = builder.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> locks(repository) > before);
    return process;
  }

  private static int locks(Path repository) throws IOException {
    try (Stream<Path> files = Files.list(repository.resolve("locks"))) {
      return (int) files.count();
    }
  }

  @Test
  void restoreAsksBeforeOverwritingAndChangesNothingWhenNotConfirmed(
      ApiClient client, TestNamespace namespace) throws Exception {
    String ns = namespace.name();
    scenario(client, namespace);
    RedisDataSet.set(redis, "order", "backed up");
    assertThat(user.run("trigger", "redis-backup", "-n", ns).exit()).isZero();
    RedisDataSet.set(redis, "order", "changed since");

    PluginRun script = user.run("restore", "redis-backup", "--snapshot", "latest", "-n", ns);
    PluginRun declined =
        user.atTerminal("\n").run("restore", "redis-backup", "--snapshot", "latest", "-n", ns);

    assertThat(script.exit()).isEqualTo(1);
    assertThat(script.err())
        .contains("This restores the newest snapshot of " + ns + "/redis (")
        .contains("into appbinding/redis of namespace " + ns + ", overwriting its data.")
        .contains("add --yes to go ahead");
    assertThat(declined.exit()).isEqualTo(1);
    assertThat(declined.out()).contains("[y/N]");
    assertThat(declined.err()).contains("not confirmed; nothing was changed");
    PluginRun wrongKind =
        user.run(
            "restore",
            "redis-backup",
            "--snapshot",
            "latest",
            "--to",
            "pvc/data",
            "--yes",
            "-n",
            ns);
    assertThat(wrongKind.exit()).isEqualTo(2);
    assertThat(wrongKind.err())
        .contains("a backup of appbinding/redis cannot be restored into a PersistentVolumeClaim");
    PluginRun badTimeout =
        user.run(
            "restore",
            "redis-backup",
            "--snapshot",
            "latest",
            "--yes",
            "--timeout",
            "30",
            "-n",
            ns);
    assertThat(badTimeout.exit()).isEqualTo(2);
    assertThat(badTimeout.err())
        .contains("Invalid value for option '--timeout': not a duration: '30'");
    PluginRun shortId = user.run("restore", "redis-backup", "--snapshot", "a", "--yes", "-n", ns);
    assertThat(shortId.exit()).isEqualTo(2);
    assertThat(shortId.err()).contains("--snapshot a: give latest, or an id of 8 to 64 hex digits");
    assertThat(ApiKind.RESTORE_SESSION.api(client).list(ns).getObject().getItems()).isEmpty();
    assertThat(RedisDataSet.get(redis, "order")).isEqualTo("changed since");

    PluginRun noWait =
        user.atTerminal("yes\n")
            .run("restore", "appbinding/redis", "--snapshot", "latest", "--no-wait", "-n", ns);
    assertThat(noWait.exit()).as(noWait.toString()).isZero();
    java.util.regex.Matcher created =
        java.util.regex.Pattern.compile("restoresession (\\S+) created").matcher(noWait.out());
    assertThat(created.find()).as(noWait.toString()).isTrue();
    String name = created.group(1);
    RestoreSession done =
        await()
            .atMost(Duration.ofMinutes(2))
            .ignoreExceptions()
            .until(
                () -> ApiKind.RESTORE_SESSION.api(client).get(ns, name).getObject(),
                r ->
                    r.getStatus() != null
                        && r.getStatus().getPhase() != null
                        && r.getStatus().getPhase().isFinished());
    assertThat(done.getStatus().getPhase()).isEqualTo(SessionPhase.Succeeded);
    assertThat(done.getSpec().getTask().getName()).isEqualTo("redis-restore-7");
    assertThat(RedisDataSet.get(redis, "order")).isEqualTo("backed up");
  }

  @Test
  void aMissingObjectAMissingPermissionAndNoClusterAreOneLineErrors(
      TestNamespace namespace, @TempDir Path work) throws Exception {
    String ns = namespace.name();

    PluginRun missing = user.run("trigger", "nothing-here", "-n", ns);
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err())
        .isEqualTo("error: BackupConfiguration nothing-here not found in namespace " + ns + "\n");
    assertThat(user.run("snapshots", "nothing-here", "-n", ns).err())
        .isEqualTo("error: Repository nothing-here not found in namespace " + ns + "\n");
    assertThat(user.run("logs", "nothing-here", "-n", ns).err())
        .isEqualTo(
            "error: no BackupSession or RestoreSession nothing-here in namespace " + ns + "\n");

    PluginRun.User stranger = PluginRun.User.script(cluster.kubeconfigFor("stranger", "no-rights"));
    PluginRun forbidden = stranger.run("status", "-n", ns);
    assertThat(forbidden.exit()).isEqualTo(1);
    assertThat(forbidden.err())
        .startsWith(
            "error: forbidden: you may not list backupconfigurations.keepsake.dev in namespace "
                + ns)
        .contains("User \"stranger\" cannot list resource")
        .hasLineCount(1);
    assertThat(stranger.run("pause", "redis-backup", "-n", ns).err())
        .startsWith(
            "error: forbidden: you may not patch backupconfigurations.keepsake.dev in namespace "
                + ns);

    Path nowhere = work.resolve("nowhere.kubeconfig");
    Files.writeString(
        nowhere,
        Files.readString(cluster.kubeconfig())
            .replace(cluster.serverUrl(), "https://127.0.0.1:" + Ports.free()),
        StandardCharsets.UTF_8);
    PluginRun noCluster = PluginRun.User.script(nowhere).run("status", "-n", ns);
    assertThat(noCluster.exit()).isEqualTo(1);
    assertThat(noCluster.err())
        .startsWith("error: no cluster: cannot reach the API server at https://127.0.0.1:")
        .hasLineCount(1);
    PluginRun noKubeconfig = PluginRun.User.script(work.resolve("absent")).run("status");
    assertThat(noKubeconfig.err())
        .isEqualTo(
            "error: no cluster: no file of KUBECONFIG=" + work.resolve("absent") + " exists\n");

    PluginRun unknown = user.run("trigger", "redis-backup", "--wait-forever", "-n", ns);
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err())
        .contains("Unknown option: '--wait-forever'")
        .contains("See 'kubectl-keepsake trigger --help'.");
    PluginRun usage = user.run("restore", "redis-backup", "-n", ns);
    assertThat(usage.exit()).isEqualTo(2);
    assertThat(usage.err()).contains("Missing required option: '--snapshot=ID|latest'");
  }

  @Test
  void everyCommandHasHelpWithAnExample() {
    for (String command :
        List.of(
            "trigger",
            "pause",
            "resume",
            "status",
            "snapshots",
            "restore",
            "logs",
            "unlock",
            "check",
            "completion")) {
      PluginRun help = user.run(command, "--help");
      assertThat(help.exit()).as(command).isZero();
      assertThat(help.out())
          .as(command)
          .contains("Usage: kubectl-keepsake " + command)
          .containsPattern("Examples?:\\n  .*kubectl");
    }
  }

  @Test
  void completionOffersCommandsOptionsAndTheNamesOfTheNamespace(
      ApiClient client, TestNamespace namespace) throws Exception {
    String ns = namespace.name();
    scenario(client, namespace);

    assertThat(user.run("__complete", "tr").out())
        .isEqualTo("trigger\tBack up now and follow the backup.\n:4\n");
    assertThat(user.run("__complete", "-n", ns, "trigger", "").out())
        .isEqualTo("redis-backup\n:4\n");
    assertThat(user.run("__complete", "snapshots", "-n", ns, "b").out()).isEqualTo("backups\n:4\n");
    assertThat(user.run("__complete", "status", "-o", "").out())
        .isEqualTo("table\njson\nyaml\n:4\n");
    assertThat(user.run("__complete", "-n", "").out()).contains(ns + "\n", "default\n");
    assertThat(user.run("__complete", "restore", "--sn").out()).startsWith("--snapshot\t");

    // The shells' scripts call the installed launcher, as a user's shell would.
    Path bin = Project.root().resolve("cli/bin");
    String path = bin + ":" + System.getenv("PATH");
    String bash =
        """
        source <(kubectl-keepsake completion bash)
        COMP_LINE='kubectl-keepsake trigger -n %s ' COMP_POINT=${#COMP_LINE}
        _kubectl_keepsake
        printf '%%s\\n' "${COMPREPLY[@]}"
        """
            .formatted(ns);
    assertThat(shell(List.of("bash", "-c", bash), path)).isEqualTo("redis-backup\n");

    Path kubectl = LocalTools.kubectl();
    String viaKubectl = shell(List.of(kubectl.toString(), "keepsake", "status", "-n", ns), path);
    assertThat(viaKubectl).startsWith("NAME").contains("redis-backup");
    assertThat(
            shell(
                List.of(
                    bin.resolve("kubectl_complete-keepsake").toString(), "-n", ns, "status", "red"),
                path))
        .isEqualTo("redis-backup\n:4\n");
    assertThat(
            output(
                List.of(kubectl.toString(), "__complete", "keepsake", "-n", ns, "check", ""),
                path,
                false))
        .as("kubectl's own completion asks kubectl_complete-keepsake")
        .isEqualTo("backups\n:4\n");

    String fish =
        "kubectl-keepsake completion fish | source; complete -C 'kubectl-keepsake snapshots -n %s '"
            .formatted(ns);
    assertThat(shell(List.of("fish", "-c", fish), path)).isEqualTo("backups\n");
    // zsh's completion system needs a line editor; with _describe standing in, the script's own
    // logic runs.
    String zsh =
        """
        autoload -U compinit && compinit -u
        source <(kubectl-keepsake completion zsh)
        print -- "registered: $_comps[kubectl-keepsake]"
        _describe() { print -l -- "${(@P)${@[-1]}}" }
        words=(kubectl-keepsake -n %s resume r) CURRENT=5
        _kubectl_keepsake
        words=(kubectl-keepsake re) CURRENT=2
        _kubectl_keepsake
        """
            .formatted(ns);
    assertThat(shell(List.of("zsh", "-f", "-c", zsh), path))
        .isEqualTo(
            "registered: _kubectl_keepsake\nredis-backup\n"
                + "resume:Run a paused configuration on its schedule again.\nrestore:Restore a snapshot into a target and follow it.\n");
  }

  private static String shell(List<String> command, String path)
      throws IOException, InterruptedException {
    return output(command, path, true);
  }

  private static String output(List<String> command, String path, boolean withErrors)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(withErrors);
    builder.environment().put("XDG_CACHE_HOME", cache.toString());
    if (!withErrors) {
      builder.redirectError(ProcessBuilder.Redirect.DISCARD);
    }
    builder.environment().put("PATH", path);
    builder.environment().put("KUBECONFIG", cluster.kubeconfig().toString());
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    return output;
  }

  @Test
  void theLauncherKeepsAClassDataArchiveOnlyFromASuccessfulRunThatTalkedToTheCluster(
      TestNamespace namespace) throws Exception {
    Path bin = Project.root().resolve("cli/bin");
    String path = bin + ":" + System.getenv("PATH");
    Path keepsakeCache = cache.resolve("keepsake");
    String launcher = bin.resolve("kubectl-keepsake").toString();
    deleteArchives(keepsakeCache);

    shell(List.of(launcher, "--help"), path);
    assertThat(archives(keepsakeCache)).as("help loads no client classes").isEmpty();
    ProcessBuilder typo = new ProcessBuilder(launcher, "sttaus").redirectErrorStream(true);
    typo.environment().put("PATH", path);
    typo.environment().put("XDG_CACHE_HOME", cache.toString());
    assertThat(typo.start().waitFor()).isEqualTo(2);
    assertThat(archives(keepsakeCache)).as("a failed run keeps none").isEmpty();
    String status = shell(List.of(launcher, "status", "-n", namespace.name()), path);
    assertThat(status).startsWith("No BackupConfigurations in namespace " + namespace.name());
    assertThat(archives(keepsakeCache)).hasSize(1);
    assertThat(shell(List.of(launcher, "status", "-n", namespace.name()), path)).isEqualTo(status);
  }

  private static List<Path> archives(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".jsa")).toList();
    }
  }

  private static void deleteArchives(Path folder) throws IOException {
    for (Path archive : archives(folder)) {
      Files.delete(archive);
    }
  }

  @Test
  void statusOfEveryNamespaceMarksConfigurationsThatAreNotReady(
      ApiClient client, TestNamespace namespace) throws Exception {
    String ns = namespace.name();
    RedisScenario scenario = scenario(client, namespace);
    scenario.apply(
        """
        apiVersion: keepsake.dev/v1alpha1
        kind: BackupConfiguration
        metadata: {name: no-repository}
        spec:
          schedule: "*/5 * * * *"
          timeZone: Europe/Paris
          repository: {name: missing}
          target:
            ref: {apiGroup: keepsake.dev, kind: AppBinding, name: redis}
          task: {name: redis-backup-7}
        """);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              BackupConfiguration c =
                  ApiKind.BACKUP_CONFIGURATION.api(client).get(ns, "no-repository").getObject();
              return c.getStatus() != null && c.getStatus().getConditions() != null;
            });

    PluginRun all = user.run("status", "-A");

    assertThat(all.exit()).as(all.toString()).isZero();
    assertThat(all.out().lines().findFirst().orElseThrow()).startsWith("NAMESPACE");
    List<List<String>> mine =
        new ArrayList<>(all.rows().stream().filter(row -> row.get(0).equals(ns)).toList());
    assertThat(mine).hasSize(2);
    assertThat(mine.get(0)).startsWith(ns, "no-repository", "*/5 * * * * Europe/Paris");
    assertThat(mine.get(0).get(6)).isEqualTo("NotReady (RepositoryNotFound)");
    assertThat(mine.get(1).get(6)).isEqualTo("OK");
    PluginRun one = user.run("status", "no-repository", "-n", ns);
    assertThat(one.out())
        .contains("Schedule:       */5 * * * * (every 5 minutes, Europe/Paris)")
        .contains("Ready:          False (RepositoryNotFound)")
        .contains("No sessions yet (kubectl keepsake trigger no-repository -n " + ns + ").");
    assertThat(user.run("status", "no-repository", "-A").exit()).isEqualTo(2);
  }
}
