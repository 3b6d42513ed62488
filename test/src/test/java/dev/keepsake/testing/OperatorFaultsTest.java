package dev.keepsake.testing;

import static dev.keepsake.testing.Eventually.eventually;
import static dev.keepsake.testing.Eventually.throughout;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keepsake.api.ApiKind;
import dev.keepsake.api.BackupSession;
import dev.keepsake.api.SessionPhase;
import dev.keepsake.desired.Labels;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.BatchV1Api;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.models.V1Job;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator under faults, in processes of its own as in a pod: killed with SIGKILL while
 * sessions run, cut off from the API server, and replaced by a second replica when the leader dies.
 * Sessions run a Task whose one step is a short shell command, so the operator's side of the work
 * is what is measured; the real Job controller and the kubelet stand-in drive the Jobs.
 */
@ExtendWith(LocalControlPlaneExtension.class)
class OperatorFaultsTest {
  private static final String HEAP = "192m";
  private static KubeletStandIn kubelet;
  private static Path work;

  @BeforeAll
  static void startKubelet(LocalControlPlane controlPlane, @TempDir Path folder) {
    work = folder;
    kubelet = KubeletStandIn.start(controlPlane, folder.resolve("kubelet"), Map.of());
  }

  @AfterAll
  static void stopKubelet() {
    kubelet.close();
  }

  @Test
  void aKilledOperatorNeitherDoublesNorStrandsASession(
      LocalControlPlane controlPlane, TestNamespace namespace) throws Exception {
    ApiClient client = controlPlane.client();
    int configurations = 50;
    int sessions = 200;
    quickBackups(client, namespace.name(), configurations, "sleep 1");
    AtomicReference<OperatorProcess> operator =
        new AtomicReference<>(OperatorProcess.start(controlPlane, "killed-0", HEAP, Map.of()));
    operator.get().awaitReady(Duration.ofMinutes(1));
    Random random = new Random();
    AtomicInteger created = new AtomicInteger();
    AtomicInteger kills = new AtomicInteger();
    List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    ScheduledExecutorService driver = Executors.newScheduledThreadPool(2);
    try {
      driver.scheduleAtFixedRate(
          () -> {
            int i = created.get();
            if (i >= sessions) {
              return;
            }
            try {
              createSession(client, namespace.name(), "s-" + i, "quick-" + (i % configurations));
              created.incrementAndGet();
            } catch (ApiException e) {
              failures.add("session s-" + i + ": " + e.getCode() + " " + e.getResponseBody());
            }
          },
          0,
          150,
          TimeUnit.MILLISECONDS);
      // Kills at random moments while the sessions come in, each followed by a new operator at
      // once.
      long at = 0;
      for (int k = 1; k <= 8; k++) {
        at += 2_000 + random.nextInt(3_000);
        int number = k;
        driver.schedule(
            () -> {
              try {
                operator.get().kill();
                operator.set(
                    OperatorProcess.start(controlPlane, "killed-" + number, HEAP, Map.of()));
                kills.incrementAndGet();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            at,
            TimeUnit.MILLISECONDS);
      }
      eventually(
          Duration.ofMinutes(2),
          () -> {
            assertThat(failures).isEmpty();
            assertThat(created).hasValue(sessions);
            assertThat(kills).hasValue(8);
          });

      eventually(
          Duration.ofMinutes(5),
          () -> assertThat(unfinished(backupSessions(client, namespace.name()))).isEmpty());
      Map<String, BackupSession> finished = byName(backupSessions(client, namespace.name()));
      assertThat(finished).hasSize(sessions);
      Map<String, List<V1Job>> jobsBySession =
          jobs(client, namespace.name()).stream()
              .collect(Collectors.groupingBy(j -> j.getMetadata().getLabels().get(Labels.SESSION)));
      for (BackupSession session : finished.values()) {
        String name = session.getMetadata().getName();
        SessionPhase phase = session.getStatus().getPhase();
        List<V1Job> itsJobs = jobsBySession.getOrDefault(name, List.of());
        assertThat(itsJobs).as("Jobs of session %s", name).hasSizeLessThanOrEqualTo(1);
        // Every step exits 0: a session either ran to success or was skipped beside a running one.
        assertThat(phase)
            .as("session %s: %s", name, session.getStatus().getMessage())
            .isIn(SessionPhase.Succeeded, SessionPhase.Skipped);
        assertThat(itsJobs)
            .as("Jobs of session %s (%s)", name, phase)
            .hasSize(phase == SessionPhase.Succeeded ? 1 : 0);
      }
      // One configuration's backups never overlap, however the sessions met the restarts.
      Map<String, List<V1Job>> jobsByConfiguration =
          finished.values().stream()
              .filter(s -> jobsBySession.containsKey(s.getMetadata().getName()))
              .collect(
                  Collectors.groupingBy(
                      s -> s.getSpec().getInvoker().getName(),
                      Collectors.mapping(
                          s -> jobsBySession.get(s.getMetadata().getName()).get(0),
                          Collectors.toList())));
      jobsByConfiguration.forEach(
          (configuration, itsJobs) -> assertThat(overlapping(itsJobs)).as(configuration).isEmpty());
      long succeeded =
          finished.values().stream()
              .filter(s -> s.getStatus().getPhase() == SessionPhase.Succeeded)
              .count();
      System.out.printf(
          "%d sessions under 8 SIGKILLs of the operator: %d Succeeded, %d Skipped, no Job twice%n",
          sessions, succeeded, sessions - succeeded);
      assertThat(succeeded).isGreaterThanOrEqualTo(configurations);
    } finally {
      driver.shutdownNow();
      driver.awaitTermination(1, TimeUnit.MINUTES);
      operator.get().close();
    }
  }

  @Test
  void theOperatorRidesOutAnApiServerOutage() throws Exception {
    // A control plane of its own: the shared one's API server must not go away under other tests.
    try (LocalControlPlane controlPlane = LocalControlPlane.start();
        KubeletStandIn ownKubelet =
            KubeletStandIn.start(controlPlane, work.resolve("outage-kubelet"), Map.of())) {
      ApiClient client = controlPlane.client();
      String namespace = controlPlane.createNamespace("outage");
      quickBackups(client, namespace, 5, "sleep 20");
      // With leader election, as the chart runs it: the 30 s are longer than the Lease lasts.
      try (OperatorProcess operator =
          OperatorProcess.start(
              controlPlane,
              "outage",
              HEAP,
              Map.of(
                  "KEEPSAKE_LEADER_ELECTION",
                  "true",
                  "POD_NAMESPACE",
                  namespace,
                  "POD_NAME",
                  "outage"))) {
        operator.awaitReady(Duration.ofMinutes(1));
        String holder = "outage-" + operator.pid();
        assertThat(leaseHolder(client, namespace)).isEqualTo(holder);
        for (int i = 0; i < 5; i++) {
          createSession(client, namespace, "before-" + i, "quick-" + i);
        }
        eventually(
            Duration.ofMinutes(1),
            () ->
                assertThat(backupSessions(client, namespace))
                    .allMatch(s -> phase(s) == SessionPhase.Running));
        // Their containers started too: a container made while the API server is away cannot get
        // its account's token, and would fail for a reason that is not the operator's.
        eventually(
            Duration.ofMinutes(1),
            () ->
                assertThat(
                        new io.kubernetes.client.openapi.apis.CoreV1Api(client)
                            .listNamespacedPod(namespace)
                            .execute()
                            .getItems())
                    .filteredOn(pod -> "Running".equals(pod.getStatus().getPhase()))
                    .hasSize(5));

        controlPlane.stopApiServer();
        Instant stopped = Instant.now();
        eventually(Duration.ofSeconds(5), () -> assertThat(operator.readiness()).isEqualTo(503));
        System.out.printf(
            "API server stopped: /readyz answered 503 after %.1f s%n",
            Duration.between(stopped, Instant.now()).toMillis() / 1000.0);
        eventually(
            Duration.ofSeconds(20),
            () ->
                assertThat(operator.readinessText())
                    .as("what /readyz says")
                    .containsPattern("(listing|watching) .+ (failed|broke off): "));
        // 0: no answer within the probe's timeout, which a kubelet counts as not ready too.
        throughout(
            Duration.ofSeconds(30).minus(Duration.between(stopped, Instant.now())),
            () -> assertThat(operator.readiness()).isIn(0, 503));
        controlPlane.startApiServer();
        Instant started = Instant.now();

        eventually(Duration.ofMinutes(1), () -> assertThat(operator.readiness()).isEqualTo(200));
        System.out.printf(
            "API server back: the operator ready again after %.1f s%n",
            Duration.between(started, Instant.now()).toMillis() / 1000.0);
        // Their steps ended during the outage: the transitions are taken up once the API answers.
        Map<String, BackupSession> finished =
            eventually(
                Duration.ofMinutes(3),
                () -> byName(backupSessions(client, namespace)),
                all -> all.values().stream().allMatch(OperatorFaultsTest::terminal));
        assertThat(finished.values())
            .allSatisfy(
                s ->
                    assertThat(phase(s))
                        .as("%s: %s", s.getMetadata().getName(), s.getStatus().getMessage())
                        .isEqualTo(SessionPhase.Succeeded));
        // And new work is done by the same process, never restarted, leading again.
        createSession(client, namespace, "after", "quick-0");
        assertThat(
                Eventually.finished(client, namespace, "after", Duration.ofMinutes(2))
                    .getStatus()
                    .getPhase())
            .isEqualTo(SessionPhase.Succeeded);
        assertThat(operator.isAlive()).isTrue();
        assertThat(leaseHolder(client, namespace)).isEqualTo(holder);
        assertThat(Files.readString(operator.log()))
            .as("the operator's log")
            .contains(
                holder
                    + " could not renew the Lease keepsake-operator within 10 s and stopped"
                    + " acting; it tries for the Lease again",
                holder + " leads again; its controllers act again");
      }
    }
  }

  @Test
  void anOperatorStartedWhileTheApiServerIsAwayWorksOnceItIsBack() throws Exception {
    // Longer away than the 30 s the client's controllers waited for their caches, counted from
    // when the operator answers: they then gave up for good, and the process lived on, said it was
    // ready, and reconciled nothing.
    Duration away = Duration.ofSeconds(45);
    try (LocalControlPlane controlPlane = LocalControlPlane.start()) {
      ApiClient client = controlPlane.client();
      String namespace = controlPlane.createNamespace("late");
      quickBackups(client, namespace, 1, "true");
      controlPlane.stopApiServer();
      try (OperatorProcess operator = OperatorProcess.start(controlPlane, "late", HEAP, Map.of())) {
        eventually(Duration.ofSeconds(30), () -> assertThat(operator.readiness()).isEqualTo(503));
        // 0: no answer within the probe's timeout, on a busy machine.
        throughout(
            away,
            () -> {
              assertThat(operator.isAlive()).isTrue();
              assertThat(operator.readiness()).isIn(0, 503);
            });
        controlPlane.startApiServer();
        Instant started = Instant.now();
        eventually(Duration.ofMinutes(1), () -> assertThat(operator.readiness()).isEqualTo(200));
        eventually(
            Duration.ofMinutes(1),
            () -> assertThat(readyStatus(client, namespace, "quick-0")).isEqualTo("True"));
        System.out.printf(
            "answering %d s before its API server came back: configuration Ready %.1f s after"
                + " it did%n",
            away.toSeconds(), Duration.between(started, Instant.now()).toMillis() / 1000.0);
        quickConfiguration(new RedisScenario(client, namespace), "quick-after");
        eventually(
            Duration.ofMinutes(1),
            () -> assertThat(readyStatus(client, namespace, "quick-after")).isEqualTo("True"));
        assertThat(
                new BatchV1Api(client).listNamespacedCronJob(namespace).execute().getItems().size())
            .isEqualTo(2);
      }
    }
  }

  private static String readyStatus(ApiClient client, String namespace, String name)
      throws ApiException {
    var status =
        ApiKind.BACKUP_CONFIGURATION
            .api(client)
            .get(namespace, name)
            .throwsApiException()
            .getObject()
            .getStatus();
    return status == null || status.getConditions() == null
        ? null
        : status.getConditions().stream()
            .filter(c -> "Ready".equals(c.getType()))
            .map(c -> c.getStatus())
            .findFirst()
            .orElse(null);
  }

  @Test
  void aWatchWhoseConnectionDiesWithoutAWordIsReplaced(
      LocalControlPlane controlPlane, TestNamespace namespace) throws Exception {
    ApiClient client = controlPlane.client();
    quickBackups(client, namespace.name(), 1, "true");
    URI server = URI.create(controlPlane.serverUrl());
    try (FreezingProxy proxy = FreezingProxy.to(server.getHost(), server.getPort())) {
      Path kubeconfig = work.resolve("through-proxy.kubeconfig");
      Files.writeString(
          kubeconfig,
          Files.readString(controlPlane.kubeconfig())
              .replace(
                  server.getHost() + ":" + server.getPort(),
                  server.getHost() + ":" + proxy.port()));
      try (OperatorProcess operator =
          OperatorProcess.start(
              controlPlane, "dead-connection", HEAP, Map.of("KUBECONFIG", kubeconfig.toString()))) {
        operator.awaitReady(Duration.ofMinutes(1));
        BatchV1Api batch = new BatchV1Api(client);
        eventually(
            Duration.ofMinutes(1),
            () ->
                assertThat(batch.listNamespacedCronJob(namespace.name()).execute().getItems())
                    .hasSize(1));

        int frozen = proxy.freezeOpenConnections();
        Instant died = Instant.now();
        quickConfiguration(new RedisScenario(client, namespace.name()), "after-the-drop");

        // Without pings the watches would wait on the dead connections for good.
        eventually(
            Duration.ofMinutes(3),
            () ->
                assertThat(batch.listNamespacedCronJob(namespace.name()).execute().getItems())
                    .hasSize(2));
        System.out.printf(
            "%d connections died silently: a configuration made then got its CronJob after %.1f s%n",
            frozen, Duration.between(died, Instant.now()).toMillis() / 1000.0);
        assertThat(operator.isAlive()).isTrue();
        assertThat(operator.readiness()).isEqualTo(200);
      }
    }
  }

  /**
   * The operator reads its lists a page at a time (500 objects), so a restart with thousands of
   * configurations fits its heap. 1,201 configurations made before it starts take three pages: each
   * gets its CronJob, and a second process, reading three pages of CronJobs too, finds everything
   * in place and writes nothing.
   */
  @Test
  void anOperatorStartingAmongMoreObjectsThanAPageSeesThemAll(
      LocalControlPlane controlPlane, TestNamespace namespace) throws Exception {
    int configurations = 2 * 500 + 201;
    quickBackups(controlPlane.client(), namespace.name(), configurations, "true");
    BatchV1Api batch = new BatchV1Api(controlPlane.client());
    // The request counts are the whole process's: a namespace of an earlier test still being
    // deleted would add the refused apply of its own identity.
    awaitNoOtherNamespaceBeingDeleted(controlPlane.client(), namespace.name());

    try (OperatorProcess operator = OperatorProcess.start(controlPlane, "pages", HEAP, Map.of())) {
      operator.awaitReady(Duration.ofMinutes(2));
      eventually(
          Duration.ofMinutes(5),
          () ->
              assertThat(batch.listNamespacedCronJob(namespace.name()).execute().getItems())
                  .hasSize(configurations));
      // The new namespace's shared runner identity is applied once, not by every worker that
      // reconciles one of its configurations at the same moment.
      for (String resource : List.of("serviceaccounts", "roles", "rolebindings")) {
        assertThat(requests(operator, "PATCH", resource)).as("PATCH " + resource).isEqualTo(1);
      }
    }
    try (OperatorProcess restarted =
        OperatorProcess.start(controlPlane, "pages-again", HEAP, Map.of())) {
      restarted.awaitReady(Duration.ofMinutes(2));
      eventually(
          Duration.ofMinutes(3),
          () ->
              assertThat(configurationReconciles(restarted))
                  .isGreaterThanOrEqualTo(configurations));
      throughout(
          Duration.ofSeconds(5),
          () ->
              assertThat(restarted.metrics())
                  .doesNotContainPattern(
                      "keepsake_operator_api_requests_total\\{method=\"(POST|PUT|PATCH|DELETE)\""));
      // Three pages of configurations and their watch: read in one piece it would be two requests.
      assertThat(requests(restarted, "GET", "backupconfigurations")).isGreaterThanOrEqualTo(4);
    }
  }

  private static void awaitNoOtherNamespaceBeingDeleted(ApiClient client, String ours) {
    Instant from = Instant.now();
    eventually(
        Duration.ofMinutes(3),
        () ->
            assertThat(
                    new io.kubernetes.client.openapi.apis.CoreV1Api(client)
                        .listNamespace().execute().getItems().stream()
                            .filter(n -> n.getMetadata().getDeletionTimestamp() != null)
                            .map(n -> n.getMetadata().getName())
                            .filter(name -> !name.equals(ours))
                            .toList())
                .as("namespaces of earlier tests still being deleted")
                .isEmpty());
    System.out.printf(
        "earlier tests' namespaces gone after %.1f s%n",
        Duration.between(from, Instant.now()).toMillis() / 1000.0);
  }

  private static double requests(OperatorProcess operator, String method, String resource)
      throws Exception {
    java.util.regex.Matcher matcher =
        java.util.regex.Pattern.compile(
                "(?m)^keepsake_operator_api_requests_total\\{method=\""
                    + method
                    + "\",resource=\""
                    + resource
                    + "\",?\\} (\\S+)$")
            .matcher(operator.metrics());
    return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
  }

  private static double configurationReconciles(OperatorProcess operator) throws Exception {
    java.util.regex.Matcher matcher =
        java.util.regex.Pattern.compile(
                "(?m)^keepsake_operator_reconciles_total\\{kind=\"BackupConfiguration\",?\\} (\\S+)$")
            .matcher(operator.metrics());
    return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
  }

  @Test
  void theSecondReplicaTakesOverFromAKilledLeader(
      LocalControlPlane controlPlane, TestNamespace namespace) throws Exception {
    ApiClient client = controlPlane.client();
    quickBackups(client, namespace.name(), 5, "sleep 10");
    Map<String, OperatorProcess> replicas = new ConcurrentHashMap<>();
    try {
      for (String name : List.of("replica-a", "replica-b")) {
        replicas.put(
            name,
            OperatorProcess.start(
                controlPlane,
                name,
                HEAP,
                Map.of(
                    "KEEPSAKE_LEADER_ELECTION",
                    "true",
                    "POD_NAMESPACE",
                    namespace.name(),
                    "POD_NAME",
                    name)));
      }
      String leader =
          eventually(Duration.ofMinutes(1), () -> leaseHolder(client, namespace), h -> h != null);
      for (int i = 0; i < 5; i++) {
        createSession(client, namespace.name(), "inflight-" + i, "quick-" + i);
      }
      eventually(
          Duration.ofMinutes(1),
          () ->
              assertThat(backupSessions(client, namespace.name()))
                  .allMatch(s -> phase(s) == SessionPhase.Running));

      String leaderName = leader.startsWith("replica-a") ? "replica-a" : "replica-b";
      replicas.get(leaderName).kill();
      Instant killed = Instant.now();
      String successor =
          eventually(
              Duration.ofSeconds(30),
              () -> leaseHolder(client, namespace),
              h -> h != null && !h.startsWith(leaderName));
      System.out.printf(
          "leader %s killed: %s holds the Lease after %.1f s%n",
          leaderName, successor, Duration.between(killed, Instant.now()).toMillis() / 1000.0);
      Map<String, BackupSession> finished =
          eventually(
              Duration.ofMinutes(2),
              () -> byName(backupSessions(client, namespace.name())),
              all -> all.values().stream().allMatch(OperatorFaultsTest::terminal));
      assertThat(finished.values())
          .allSatisfy(s -> assertThat(phase(s)).isEqualTo(SessionPhase.Succeeded));
    } finally {
      replicas.values().forEach(OperatorProcess::close);
    }
  }

  /** Configurations quick-0.. whose backup is one shell step; nothing scheduled fires in a test. */
  private static void quickBackups(
      ApiClient client, String namespace, int configurations, String step) throws Exception {
    RedisScenario scenario = new RedisScenario(client, namespace);
    new io.kubernetes.client.openapi.apis.CoreV1Api(client)
        .createNamespacedSecret(
            namespace,
            new io.kubernetes.client.openapi.models.V1Secret()
                .metadata(
                    new io.kubernetes.client.openapi.models.V1ObjectMeta()
                        .name(RedisScenario.REPOSITORY_SECRET))
                .stringData(Map.of("RESTIC_PASSWORD", "faults restic password")))
        .execute();
    scenario.apply(RedisScenario.s3Repository("http://127.0.0.1:9", namespace));
    scenario.apply(
        """
        apiVersion: keepsake.dev/v1alpha1
        kind: AppBinding
        metadata: {name: app}
        spec:
          type: redis
          clientConfig: {url: "redis://127.0.0.1:9"}
        ---
        apiVersion: keepsake.dev/v1alpha1
        kind: Function
        metadata: {name: quick-step-1}
        spec:
          image: busybox:1.36
          command: [sh, -c, "%s"]
        ---
        apiVersion: keepsake.dev/v1alpha1
        kind: Task
        metadata: {name: quick-1}
        spec:
          steps:
            - name: quick-step-1
        """
            .formatted(step));
    for (int i = 0; i < configurations; i++) {
      quickConfiguration(scenario, "quick-" + i);
    }
  }

  /** A configuration of the quick Task that never fires by itself (sessions are made by hand). */
  private static void quickConfiguration(RedisScenario scenario, String name) throws ApiException {
    scenario.apply(
        """
        apiVersion: keepsake.dev/v1alpha1
        kind: BackupConfiguration
        metadata: {name: %s}
        spec:
          schedule: "0 0 1 1 *"
          repository: {name: %s}
          target:
            ref: {apiGroup: keepsake.dev, kind: AppBinding, name: app}
          task: {name: quick-1}
          backupHistoryLimit: 1000
        """
            .formatted(name, RedisScenario.REPOSITORY));
  }

  private static void createSession(
      ApiClient client, String namespace, String name, String configuration) throws ApiException {
    new RedisScenario(client, namespace)
        .apply(
            """
            apiVersion: keepsake.dev/v1alpha1
            kind: BackupSession
            metadata: {name: %s}
            spec:
              invoker: {apiGroup: keepsake.dev, kind: BackupConfiguration, name: %s}
              trigger: Manual
            """
                .formatted(name, configuration));
  }

  private static List<BackupSession> backupSessions(ApiClient client, String namespace)
      throws ApiException {
    return ApiKind.BACKUP_SESSION
        .api(client)
        .list(namespace)
        .throwsApiException()
        .getObject()
        .getItems();
  }

  private static List<V1Job> jobs(ApiClient client, String namespace) throws ApiException {
    return new BatchV1Api(client)
        .listNamespacedJob(namespace)
        .labelSelector(Labels.SESSION)
        .execute()
        .getItems();
  }

  private static Map<String, BackupSession> byName(List<BackupSession> sessions) {
    return sessions.stream().collect(Collectors.toMap(s -> s.getMetadata().getName(), s -> s));
  }

  /** Pairs of Jobs that ran at the same time, from their start and completion times. */
  private static List<String> overlapping(List<V1Job> jobs) {
    List<V1Job> byStart =
        jobs.stream()
            .sorted(java.util.Comparator.comparing(j -> j.getStatus().getStartTime()))
            .toList();
    List<String> pairs = new ArrayList<>();
    for (int i = 1; i < byStart.size(); i++) {
      V1Job before = byStart.get(i - 1);
      V1Job after = byStart.get(i);
      if (after.getStatus().getStartTime().isBefore(before.getStatus().getCompletionTime())) {
        pairs.add(before.getMetadata().getName() + " and " + after.getMetadata().getName());
      }
    }
    return pairs;
  }

  /** Sessions not yet in a terminal phase, each with what its status says. */
  private static List<String> unfinished(List<BackupSession> sessions) {
    return sessions.stream()
        .filter(s -> !terminal(s))
        .map(
            s ->
                s.getMetadata().getName()
                    + " "
                    + phase(s)
                    + (s.getStatus() == null ? "" : ": " + s.getStatus().getMessage()))
        .sorted()
        .toList();
  }

  private static SessionPhase phase(BackupSession session) {
    return session.getStatus() == null ? null : session.getStatus().getPhase();
  }

  private static boolean terminal(BackupSession session) {
    SessionPhase phase = phase(session);
    return phase != null && phase.isFinished();
  }

  private static String leaseHolder(ApiClient client, TestNamespace namespace) throws ApiException {
    return leaseHolder(client, namespace.name());
  }

  private static String leaseHolder(ApiClient client, String namespace) throws ApiException {
    return new CoordinationV1Api(client)
        .readNamespacedLease(dev.keepsake.operator.app.Operator.LEASE_NAME, namespace)
        .execute()
        .getSpec()
        .getHolderIdentity();
  }
}
