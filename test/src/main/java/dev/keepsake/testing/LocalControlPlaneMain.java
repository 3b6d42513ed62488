package dev.keepsake.testing;

import dev.keepsake.api.ApiKind;
import dev.keepsake.api.BackupSession;
import dev.keepsake.api.RestoreSession;
import dev.keepsake.api.SessionPhase;
import dev.keepsake.operator.app.Operator;
import io.kubernetes.client.openapi.ApiException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

/**
 * The local demo: a control plane with the keepsake.dev API, the operator, a Redis with sample
 * data, a Pushgateway and a restic repository in a local folder; pods run on a real node where the
 * machine allows it (root, containerd), else on the kubelet stand-in. It backs Redis up, empties
 * it, restores it, shows what happened, and stays up until Ctrl-C; then every process stops. With
 * --no-operator it only starts the control plane (and the node); --stand-in or --real-node choose
 * where pods run; --replicas N runs the operator as N processes of their own with leader election,
 * for fault runs by hand.
 */
public final class LocalControlPlaneMain {
  private static final String NAMESPACE = "demo";
  private static final String RESTIC_PASSWORD = "demo-restic-password";
  private static final int SAMPLE_KEYS = 20_000;

  private static final int JOB_TTL_SECONDS = 3600;
  private static final String JOB_SERVICE_ACCOUNT = "keepsake-job";

  private LocalControlPlaneMain() {}

  /** --replicas N: the operator as N processes of their own with leader election; 0: in-process. */
  static int replicas(List<String> flags) {
    int at = flags.indexOf("--replicas");
    if (at < 0) {
      return 0;
    }
    int replicas;
    try {
      replicas = Integer.parseInt(at + 1 < flags.size() ? flags.get(at + 1) : "");
    } catch (NumberFormatException e) {
      replicas = -1;
    }
    if (replicas < 1 || replicas > 5) {
      throw new IllegalArgumentException(
          "--replicas takes the number of operator processes, 1 to 5 (for example --replicas 2)");
    }
    return replicas;
  }

  /** Settings from the environment, as the operator's container takes them. */
  private static Map<String, String> replicaEnvironment(Pushgateway pushgateway, String podName) {
    return Map.of(
        "KEEPSAKE_PUSHGATEWAY_URL",
        pushgateway.url(),
        "KEEPSAKE_JOB_TTL_SECONDS",
        Integer.toString(JOB_TTL_SECONDS),
        "KEEPSAKE_JOB_SERVICE_ACCOUNT",
        JOB_SERVICE_ACCOUNT,
        "KEEPSAKE_LEADER_ELECTION",
        "true",
        "POD_NAMESPACE",
        NAMESPACE,
        "POD_NAME",
        podName);
  }

  /** How to kill a replica and start another by hand, and where their logs are. */
  private static String faultRunHints(
      LocalControlPlane controlPlane, Pushgateway pushgateway, List<OperatorProcess> replicas) {
    StringBuilder hints =
        new StringBuilder(
            "\nThe operator runs as "
                + replicas.size()
                + " processes with leader election (Lease "
                + Operator.LEASE_NAME
                + " in namespace "
                + NAMESPACE
                + "; kubectl get lease -n "
                + NAMESPACE
                + " shows the leader):\n");
    for (OperatorProcess replica : replicas) {
      hints.append(
          String.format(
              "  pid %d, health on port %d, log %s%n",
              replica.pid(), replica.healthPort(), replica.log()));
    }
    int port = Ports.free();
    StringBuilder another = new StringBuilder("  env KUBECONFIG=" + controlPlane.kubeconfig());
    replicaEnvironment(pushgateway, "by-hand")
        .forEach((key, value) -> another.append(' ').append(key).append('=').append(value));
    another
        .append(" KEEPSAKE_RUNNER_IMAGE=keepsake/runner:")
        .append(Project.version())
        .append(" KEEPSAKE_HOST_PATH_PREFIXES=")
        .append(TestOperators.temporaryFolder())
        .append(" KEEPSAKE_HEALTH_PORT=")
        .append(port)
        .append(" \\\n    bash ")
        .append(Project.root().resolve("test/scripts/local.sh"))
        .append(" --cluster");
    String apiServer =
        ProcessHandle.current()
            .descendants()
            .filter(p -> p.info().command().orElse("").endsWith("/kube-apiserver"))
            .map(p -> Long.toString(p.pid()))
            .findFirst()
            .orElse("PID");
    return hints
        + "Kill one with kill -9 PID: another takes the Lease within about 20 s and finishes what it\n"
        + "had in flight. Freeze the API server for 30 s with kill -STOP "
        + apiServer
        + "; sleep 30; kill -CONT "
        + apiServer
        + "\n(/readyz of each replica says why it is not ready meanwhile). Start another replica with:\n"
        + another
        + "\n(the demo's Ctrl-C does not stop a replica started by hand).";
  }

  public static void main(String[] args) throws Exception {
    Instant started = Instant.now();
    List<String> flags = List.of(args);
    // Before anything starts: a mistyped count is told at once, not after the node is up.
    int replicas = replicas(flags);
    String standInBecause =
        flags.contains("--stand-in") ? "asked for with --stand-in" : LocalNode.unavailableBecause();
    if (flags.contains("--real-node") && standInBecause != null) {
      throw new IllegalStateException("--real-node: " + standInBecause);
    }
    boolean realNode = standInBecause == null;
    if (!realNode) {
      System.out.println(
          "The demo runs its pods on the kubelet stand-in (local processes), not a real node: "
              + standInBecause);
    }
    LocalControlPlane controlPlane =
        realNode
            ? LocalControlPlane.startWithRealNode(LocalNode.DEMO_IMAGES)
            : LocalControlPlane.start();
    controlPlane.createNamespaceNamed(NAMESPACE);
    if (flags.contains("--no-operator")) {
      System.out.printf(
          "%nKeepsake local control plane is up at %s%nThe keepsake.dev CRDs are installed%s.%n%n  export KUBECONFIG=%s%n%n"
              + "Press Ctrl-C to stop; every process stops with it.%n",
          controlPlane.serverUrl(),
          realNode ? "; node " + LocalNode.NODE_NAME + " runs pods" : "",
          controlPlane.kubeconfig());
      new CountDownLatch(1).await();
    }
    Path work = Files.createTempDirectory("keepsake-demo-");
    List<AutoCloseable> running = new ArrayList<>();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(running, work)));

    String password = "demo-redis-password";
    RedisServer redis;
    Pushgateway pushgateway;
    String redisUrl;
    if (realNode) {
      step(
          "Starting Redis in a pod with %,d sample keys, a Pushgateway and the operator; Jobs run on node %s",
          SAMPLE_KEYS, LocalNode.NODE_NAME);
      redis = ClusterPods.redis(controlPlane.client(), NAMESPACE, password);
      redisUrl = "redis://redis." + NAMESPACE + ".svc:6379";
      pushgateway =
          Pushgateway.start(
              Files.createDirectories(work.resolve("pushgateway")), LocalNode.NODE_IP);
    } else {
      step(
          "Starting Redis with %,d sample keys, a Pushgateway, the operator and the kubelet stand-in",
          SAMPLE_KEYS);
      redis = RedisServer.start(work.resolve("redis"), password);
      redisUrl = "redis://" + redis.host() + ":" + redis.port();
      pushgateway = Pushgateway.start(Files.createDirectories(work.resolve("pushgateway")));
    }
    running.add(redis);
    redis.cli(sampleData(), "--pipe");
    running.add(pushgateway);
    List<OperatorProcess> replicaProcesses = new ArrayList<>();
    String healthPorts;
    if (replicas == 0) {
      Operator operator =
          new Operator(
                  controlPlane.client(),
                  controlPlane.watchClient(),
                  TestOperators.settings(
                      "keepsake/runner:" + Project.version(),
                      pushgateway.url(),
                      JOB_TTL_SECONDS,
                      JOB_SERVICE_ACCOUNT),
                  Operator.loopback())
              .start();
      running.add(operator);
      healthPorts = "operator health on 127.0.0.1:" + operator.healthPort();
    } else {
      for (int i = 1; i <= replicas; i++) {
        OperatorProcess replica =
            OperatorProcess.start(
                controlPlane,
                "replica-" + i,
                "256m",
                replicaEnvironment(pushgateway, "replica-" + i));
        replicaProcesses.add(replica);
        running.add(replica);
      }
      healthPorts =
          "operator replicas (health port, pid) "
              + replicaProcesses.stream()
                  .map(r -> r.healthPort() + " (" + r.pid() + ")")
                  .reduce((a, b) -> a + ", " + b)
                  .orElseThrow();
    }
    if (!realNode) {
      running.add(
          KubeletStandIn.start(
              controlPlane, work.resolve("kubelet"), LocalTools.runnerEnvironment()));
    }
    Path repository = Files.createDirectories(work.resolve("repository"));
    if (realNode) {
      // The Jobs' pods run as user 65532 and write the repository through a hostPath volume.
      Processes.output(List.of("chown", "65532:65532", repository.toString()), Map.of());
    }
    System.out.printf(
        "  ready in %.1f s%n", Duration.between(started, Instant.now()).toMillis() / 1000.0);

    step(
        "Applying: Secrets, a Repository in %s, an AppBinding to Redis, catalog/redis/addon.yaml, a BackupConfiguration",
        work.resolve("repository"));
    RedisScenario scenario = new RedisScenario(controlPlane.client(), NAMESPACE);
    scenario.setUp(
        redisUrl,
        password,
        RedisScenario.localRepository(repository),
        Map.of("RESTIC_PASSWORD", RESTIC_PASSWORD));
    scenario.configure("*/15 * * * *", false);

    String digest = redis.cli("DEBUG", "DIGEST");
    step(
        "Backing up: BackupSession demo-backup (Redis holds %s keys, digest %s)",
        redis.cli("DBSIZE"), digest);
    scenario.backUpNow("demo-backup");
    BackupSession backup =
        awaitFinished(
            () -> get(controlPlane.client(), ApiKind.BACKUP_SESSION, "demo-backup"),
            (BackupSession s) -> s.getStatus() == null ? null : s.getStatus().getPhase());
    System.out.printf("  %s: %s%n", backup.getStatus().getPhase(), backup.getStatus().getMessage());

    step("Emptying Redis (FLUSHALL), then restoring: RestoreSession demo-restore");
    redis.cli("FLUSHALL");
    System.out.printf("  Redis holds %s keys%n", redis.cli("DBSIZE"));
    scenario.restoreLatest("demo-restore");
    RestoreSession restore =
        awaitFinished(
            () -> get(controlPlane.client(), ApiKind.RESTORE_SESSION, "demo-restore"),
            (RestoreSession s) -> s.getStatus() == null ? null : s.getStatus().getPhase());
    String restoredDigest = redis.cli("DEBUG", "DIGEST");
    System.out.printf(
        "  %s: %s%n  Redis holds %s keys again, digest %s: %s%n",
        restore.getStatus().getPhase(),
        restore.getStatus().getMessage(),
        redis.cli("DBSIZE"),
        restoredDigest,
        restoredDigest.equals(digest)
            ? "the same data as before the backup"
            : "NOT the data that was backed up");

    step("kubectl get keepsake -n %s", NAMESPACE);
    System.out.println(indent(kubectl(controlPlane, "get", "keepsake", "-n", NAMESPACE)));
    step("kubectl keepsake status %s -n %s", RedisScenario.CONFIGURATION, NAMESPACE);
    System.out.println(
        indent(plugin(controlPlane, "status", RedisScenario.CONFIGURATION, "-n", NAMESPACE)));
    step(
        "kubectl keepsake snapshots %s -n %s (restic snapshots shows the same)",
        RedisScenario.REPOSITORY, NAMESPACE);
    System.out.println(
        indent(plugin(controlPlane, "snapshots", RedisScenario.REPOSITORY, "-n", NAMESPACE)));
    step("What the Jobs pushed to the Pushgateway (%s/metrics)", pushgateway.url());
    System.out.println(
        indent(
            pushgateway
                .metrics()
                .lines()
                .filter(
                    l -> l.startsWith("keepsake_") && l.contains("namespace=\"" + NAMESPACE + "\""))
                .reduce("", (a, b) -> a + b + "\n")));

    System.out.printf(
        """

        Keepsake runs locally: API server %s, %s, Pushgateway %s.
        Point kubectl and the kubectl keepsake plugin at it and look around, or apply your own manifests:

          export KUBECONFIG=%s PATH=%s:%s:$PATH
          kubectl keepsake status -n %s
          kubectl keepsake trigger %s -n %s
          kubectl keepsake snapshots %s -n %s
          kubectl keepsake restore %s --snapshot latest -n %s
          kubectl keepsake logs demo-backup -n %s
          kubectl get keepsake -n %s
          kubectl describe backupsession -n %s demo-backup
          kubectl get events -n %s --sort-by=.lastTimestamp
          kubectl create -n %s -f - <<'EOF'
          apiVersion: keepsake.dev/v1alpha1
          kind: BackupSession
          metadata: {name: my-backup}
          spec:
            invoker: {apiGroup: keepsake.dev, kind: BackupConfiguration, name: %s}
          EOF

        %s Press Ctrl-C to stop; every process stops with it.
        """,
        controlPlane.serverUrl(),
        healthPorts,
        pushgateway.url(),
        controlPlane.kubeconfig(),
        LocalTools.kubectl().getParent(),
        Project.root().resolve("cli/bin"),
        NAMESPACE,
        RedisScenario.CONFIGURATION,
        NAMESPACE,
        RedisScenario.REPOSITORY,
        NAMESPACE,
        RedisScenario.CONFIGURATION,
        NAMESPACE,
        NAMESPACE,
        NAMESPACE,
        NAMESPACE,
        NAMESPACE,
        NAMESPACE,
        RedisScenario.CONFIGURATION,
        realNode
            ? "Pods run on node "
                + LocalNode.NODE_NAME
                + " (kubectl get pods -n "
                + NAMESPACE
                + "; kubectl logs ...)."
            : "Pod logs are in " + work.resolve("kubelet/pods").resolve(NAMESPACE) + ".");
    if (!replicaProcesses.isEmpty()) {
      System.out.println(faultRunHints(controlPlane, pushgateway, replicaProcesses));
    }
    if (flags.contains("--once")) {
      // For a check of the set-up: the demo's outcome is the exit status, and everything stops.
      boolean passed =
          backup.getStatus().getPhase() == dev.keepsake.api.SessionPhase.Succeeded
              && restore.getStatus().getPhase() == dev.keepsake.api.SessionPhase.Succeeded
              && restoredDigest.equals(digest);
      System.out.println(
          passed ? "--once: the demo passed; stopping." : "--once: the demo FAILED; stopping.");
      System.exit(passed ? 0 : 1);
    }
    new CountDownLatch(1).await();
  }

  /**
   * Users, carts, queues, tags and rankings, a tenth of them expiring in a day, as redis-cli --pipe
   * input.
   */
  private static byte[] sampleData() {
    StringBuilder commands = new StringBuilder();
    for (int i = 0; i < SAMPLE_KEYS / 5; i++) {
      resp(
          commands,
          "SET",
          "user:" + i,
          "{\"name\":\"user " + i + "\",\"plan\":\"" + (i % 3 == 0 ? "pro" : "free") + "\"}");
      resp(commands, "HSET", "cart:" + i, "item", "sku-" + i, "qty", Integer.toString(1 + i % 4));
      resp(commands, "RPUSH", "queue:" + i, "job-a", "job-b");
      resp(commands, "SADD", "tags:" + i, "red", "blue-" + i % 7);
      resp(commands, "ZADD", "rank:" + i, Integer.toString(i), "alice", "2.5", "bob");
      if (i % 10 == 0) {
        resp(commands, "EXPIRE", "user:" + i, "86400");
      }
    }
    return commands.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void resp(StringBuilder out, String... args) {
    out.append('*').append(args.length).append("\r\n");
    for (String arg : args) {
      out.append('$')
          .append(arg.getBytes(StandardCharsets.UTF_8).length)
          .append("\r\n")
          .append(arg)
          .append("\r\n");
    }
  }

  private static <T> T get(
      io.kubernetes.client.openapi.ApiClient client, ApiKind<?, ?> kind, String name)
      throws ApiException {
    @SuppressWarnings("unchecked")
    T object = (T) kind.api(client).get(NAMESPACE, name).throwsApiException().getObject();
    return object;
  }

  @FunctionalInterface
  private interface Read<T> {
    T get() throws ApiException;
  }

  private static <T> T awaitFinished(
      Read<T> read, java.util.function.Function<T, SessionPhase> phase) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
    while (Instant.now().isBefore(deadline)) {
      T object = read.get();
      SessionPhase current = phase.apply(object);
      if (current != null && current.isFinished()) {
        return object;
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("the session did not finish within 5 minutes");
  }

  private static String kubectl(LocalControlPlane controlPlane, String... args) {
    Path kubectl = LocalTools.kubectl();
    List<String> command =
        new ArrayList<>(
            List.of(kubectl.toString(), "--kubeconfig", controlPlane.kubeconfig().toString()));
    command.addAll(List.of(args));
    return output(new ProcessBuilder(command));
  }

  /** What kubectl keepsake prints, run in this JVM with the control plane's kubeconfig. */
  private static String plugin(LocalControlPlane controlPlane, String... args) {
    java.io.StringWriter out = new java.io.StringWriter();
    dev.keepsake.cli.KubectlKeepsake.run(
        args,
        new dev.keepsake.cli.KubectlKeepsake.Terminal(
            new java.io.PrintWriter(out, true),
            new java.io.PrintWriter(out, true),
            false,
            java.io.InputStream.nullInputStream(),
            Map.of("KUBECONFIG", controlPlane.kubeconfig().toString())));
    return out.toString();
  }

  private static String output(ProcessBuilder builder) {
    try {
      Process process = builder.redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      process.waitFor();
      return output;
    } catch (IOException e) {
      return "(" + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  private static String indent(String text) {
    return text.lines().map(line -> "  " + line).reduce("", (a, b) -> a + b + "\n");
  }

  private static void step(String format, Object... args) {
    System.out.printf("%n==> " + format + "%n", args);
  }

  private static void stop(List<AutoCloseable> running, Path work) {
    for (int i = running.size() - 1; i >= 0; i--) {
      try {
        running.get(i).close();
      } catch (Exception ignored) {
        // Stopping everything else matters more than one failure here.
      }
    }
    try (Stream<Path> files = Files.walk(work)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // A leftover temporary folder is harmless.
    }
  }
}
