package dev.keepsake.operator.app;

import dev.keepsake.api.BackupConfiguration;
import dev.keepsake.api.BackupSession;
import dev.keepsake.api.Repository;
import dev.keepsake.api.RestoreSession;
import dev.keepsake.desired.Labels;
import dev.keepsake.desired.JobPolicy;
import dev.keepsake.desired.OperatorSettings;
import dev.keepsake.operator.kube.Cluster;
import dev.keepsake.operator.kube.Writer;
import dev.keepsake.operator.reconcile.BackupConfigurationReconciler;
import dev.keepsake.operator.reconcile.BackupSessionReconciler;
import dev.keepsake.operator.reconcile.RepositoryReconciler;
import dev.keepsake.operator.reconcile.RestoreSessionReconciler;
import io.kubernetes.client.extended.controller.Controller;
import io.kubernetes.client.extended.controller.ControllerManager;
import io.kubernetes.client.extended.controller.builder.ControllerBuilder;
import io.kubernetes.client.extended.controller.reconciler.Reconciler;
import io.kubernetes.client.extended.controller.reconciler.Request;
import io.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.kubernetes.client.extended.leaderelection.LeaderElector;
import io.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.models.V1CronJob;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.util.ClientBuilder;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Logger;

/**
 * The Keepsake operator: informers, one controller per kind, leader election on a Lease, and the
 * health and metrics endpoints. Runs in-cluster, or against the cluster of the current kubeconfig.
 */
public final class Operator implements AutoCloseable {
  public static final String LEASE_NAME = "keepsake-operator";
  private static final Logger LOG = Logger.getLogger(Operator.class.getName());
  private final OperatorMetrics metrics;
  private final Cluster cluster;
  private final ControllerManager manager;
  private final HealthServer health;
  private final dev.keepsake.operator.hooks.HookRunner hooks;
  private final dev.keepsake.operator.metrics.MetricsJanitor janitor;
  private Thread thread;
  private volatile LeaderElector elector;

  public Operator(ApiClient client, ApiClient watchClient, OperatorSettings settings, java.net.InetSocketAddress healthAddress)
      throws IOException {
    Writer writer = new Writer(client);
    hooks = new dev.keepsake.operator.hooks.HookRunner(client, watchClient);
    cluster = new Cluster(watchClient, new dev.keepsake.operator.kube.UndecodableObjects(client, writer), settings.watchedNamespaces());
    metrics = new OperatorMetrics();
    Controller configurations = controller("backup-configurations",
        metrics.instrument("BackupConfiguration", new BackupConfigurationReconciler(cluster, writer, settings)), builder -> builder
        .watch(queue -> ControllerBuilder.controllerWatchBuilder(BackupConfiguration.class, queue).build())
        .watch(queue -> ControllerBuilder.controllerWatchBuilder(V1CronJob.class, queue)
            .withWorkQueueKeyFunc(cronJob -> byLabel(cronJob.getMetadata(), Labels.CONFIGURATION)).build())
        .watch(queue -> ControllerBuilder.controllerWatchBuilder(BackupSession.class, queue)
            .withWorkQueueKeyFunc(s -> new Request(s.getMetadata().getNamespace(), invokerOf(s))).build()));
    Controller sessions = controller("backup-sessions",
        metrics.instrument("BackupSession", new BackupSessionReconciler(cluster, writer, settings, hooks)), builder -> builder
        .watch(queue -> ControllerBuilder.controllerWatchBuilder(BackupSession.class, queue).build())
        .watch(queue -> ControllerBuilder.controllerWatchBuilder(V1Job.class, queue)
            .withWorkQueueKeyFunc(job -> byLabel(job.getMetadata(), Labels.SESSION)).build()));
    Controller restores = controller("restore-sessions",
        metrics.instrument("RestoreSession", new RestoreSessionReconciler(cluster, writer, settings, hooks)), builder -> builder
        .watch(queue -> ControllerBuilder.controllerWatchBuilder(RestoreSession.class, queue).build())
        .watch(queue -> ControllerBuilder.controllerWatchBuilder(V1Job.class, queue)
            .withWorkQueueKeyFunc(job -> byLabel(job.getMetadata(), Labels.RESTORE)).build()));
    Controller repositories = controller("repositories",
        metrics.instrument("Repository", new RepositoryReconciler(cluster, writer, settings)), builder -> builder
        .watch(queue -> ControllerBuilder.controllerWatchBuilder(Repository.class, queue).build())
        .watch(queue -> ControllerBuilder.controllerWatchBuilder(V1Job.class, queue)
            .withWorkQueueKeyFunc(job -> byLabel(job.getMetadata(), Labels.REPOSITORY)).build())
        .watch(queue -> ControllerBuilder.controllerWatchBuilder(BackupSession.class, queue)
            // Progress patches arrive every few seconds; a Repository's status changes only when a session ends.
            .withOnUpdateFilter((before, after) -> !Objects.equals(phaseOf(before), phaseOf(after)))
            .withWorkQueueKeyFunc(this::repositoryOf).build()));
    ConfigurationInputs.follow(cluster, ((io.kubernetes.client.extended.controller.DefaultController) configurations).getWorkQueue());
    manager = ControllerBuilder.controllerManagerBuilder(cluster.factory)
        .addController(configurations).addController(sessions).addController(restores).addController(repositories).build();
    metrics.countScheduled(() -> cluster.configurations.getIndexer().list().stream()
        .filter(c -> !Boolean.TRUE.equals(c.getSpec().getPaused()))
        .collect(java.util.stream.Collectors.groupingBy(c -> c.getMetadata().getNamespace(), java.util.stream.Collectors.counting())));
    health = new HealthServer(healthAddress, cluster::synced, metrics);
    janitor = settings.pushgatewayUrl() == null ? null
        : new dev.keepsake.operator.metrics.MetricsJanitor(settings.pushgatewayUrl(), cluster, Duration.ofSeconds(15));
  }

  private Controller controller(String name, Reconciler reconciler,
      java.util.function.UnaryOperator<io.kubernetes.client.extended.controller.builder.DefaultControllerBuilder> watches) {
    // The queue goes in first: each watch captures the builder's queue when it is added.
    var builder = ControllerBuilder.defaultBuilder(cluster.factory)
        .withWorkQueue(metrics.track(name, new io.kubernetes.client.extended.workqueue.DefaultRateLimitingQueue<>(
            java.util.concurrent.Executors.newSingleThreadExecutor())));
    return watches.apply(builder)
        .withName(name)
        .withReconciler(reconciler)
        .withReadyFunc(cluster::synced)
        .withWorkerCount(2)
        .build();
  }

  /** The session's configuration; empty for the identity-only stand-in of an object that could not be decoded. */
  private static String invokerOf(BackupSession session) {
    return session.getSpec() == null || session.getSpec().getInvoker() == null ? "" : session.getSpec().getInvoker().getName();
  }

  private static dev.keepsake.api.SessionPhase phaseOf(BackupSession session) {
    return session.getStatus() == null ? null : session.getStatus().getPhase();
  }

  /** The Repository a backup session writes into, through its configuration. */
  private Request repositoryOf(BackupSession session) {
    BackupConfiguration configuration =
        Cluster.get(cluster.configurations, session.getMetadata().getNamespace(), invokerOf(session));
    if (configuration == null) {
      return new Request(session.getMetadata().getNamespace(), "");
    }
    var ref = configuration.getSpec().getRepository();
    return new Request(ref.getNamespace() == null ? session.getMetadata().getNamespace() : ref.getNamespace(), ref.getName());
  }

  private static Request byLabel(io.kubernetes.client.openapi.models.V1ObjectMeta meta, String label) {
    Map<String, String> labels = meta.getLabels();
    return new Request(meta.getNamespace(), labels == null ? "" : labels.getOrDefault(label, ""));
  }

  /** A health endpoint on a free loopback port, for in-process use. */
  public static java.net.InetSocketAddress loopback() {
    return new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0);
  }

  /** Runs the controllers in the background (in-process use: tests and the local demo). */
  public synchronized Operator start() {
    thread = new Thread(manager, "keepsake-operator");
    startJanitor();
    thread.setDaemon(true);
    thread.start();
    return this;
  }

  /**
   * Runs the controllers while this process holds the Lease. {@code onLostLeadership} must stop the
   * process: another instance may already act, and stopping is the only safe way never to act twice.
   */
  public void runWithLeaderElection(ApiClient electionClient, String namespace, String identity, Runnable onLostLeadership) {
    LeaseLock lock = new LeaseLock(namespace, LEASE_NAME, identity, electionClient);
    LeaderElectionConfig config = new LeaderElectionConfig(lock, Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));
    elector = new LeaderElector(config);
    elector.run(
        () -> {
          LOG.info(identity + " leads; starting the controllers");
          startJanitor();
          manager.run();
        },
        () -> {
          LOG.severe(identity + " lost the leadership");
          onLostLeadership.run();
        });
  }

  private void startJanitor() {
    if (janitor != null) {
      janitor.start();
    }
  }

  /** How many reconciles this instance ran (a follower runs none). */
  public double reconciles() {
    return metrics.reconciles();
  }

  public Cluster cluster() {
    return cluster;
  }

  public int healthPort() {
    return health.port();
  }

  @Override
  public void close() {
    if (elector != null) {
      // A follower's elector keeps trying for the Lease until it is closed.
      elector.close();
    }
    manager.shutdown();
    hooks.close();
    if (janitor != null) {
      janitor.close();
    }
    health.close();
  }

  /** The installation's limits on Jobs (chart values jobPolicy.*), strict where unset. */
  static JobPolicy jobPolicy(Map<String, String> env, String runnerImage) {
    JobPolicy defaults = JobPolicy.defaults(runnerImage);
    List<String> imagePrefixes = list(env.get("KEEPSAKE_RUNNER_IMAGE_PREFIXES"));
    return new JobPolicy(list(env.get("KEEPSAKE_HOST_PATH_PREFIXES")),
        Boolean.parseBoolean(env.getOrDefault("KEEPSAKE_ALLOW_ROOT", "false")),
        list(env.get("KEEPSAKE_JOB_SERVICE_ACCOUNTS")),
        imagePrefixes.isEmpty() ? defaults.runnerImagePrefixes() : imagePrefixes,
        list(env.get("KEEPSAKE_PRIORITY_CLASSES")), list(env.get("KEEPSAKE_TOLERATION_KEYS")));
  }

  private static List<String> list(String commaSeparated) {
    return commaSeparated == null ? List.of()
        : java.util.Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList();
  }

  public static void main(String[] args) throws IOException {
    Map<String, String> env = System.getenv();
    OperatorSettings settings = new OperatorSettings(
        env.getOrDefault("KEEPSAKE_RUNNER_IMAGE", OperatorSettings.defaults().runnerImage()),
        env.get("KEEPSAKE_PUSHGATEWAY_URL"),
        Integer.parseInt(env.getOrDefault("KEEPSAKE_JOB_TTL_SECONDS", "86400")),
        env.getOrDefault("KEEPSAKE_JOB_SERVICE_ACCOUNT", OperatorSettings.defaults().jobServiceAccount()));
    settings = settings.withJobPolicy(jobPolicy(env, settings.runnerImage())).watching(list(env.get("KEEPSAKE_WATCH_NAMESPACES")));
    // Separate clients: a watch must never time out, ordinary calls must, and leader election must
    // not queue behind either.
    ApiClient client = ClientBuilder.standard().setReadTimeout(Duration.ofSeconds(30)).build();
    ApiClient watchClient = ClientBuilder.standard().setReadTimeout(Duration.ZERO).build();
    ApiClient electionClient = ClientBuilder.standard().setReadTimeout(Duration.ofSeconds(10)).build();
    Operator operator = new Operator(client, watchClient, settings,
        new java.net.InetSocketAddress(Integer.parseInt(env.getOrDefault("KEEPSAKE_HEALTH_PORT", "8081"))));
    Runtime.getRuntime().addShutdownHook(new Thread(operator::close));
    if (Boolean.parseBoolean(env.getOrDefault("KEEPSAKE_LEADER_ELECTION", "true"))) {
      String identity = env.getOrDefault("POD_NAME", java.net.InetAddress.getLocalHost().getHostName()) + "-" + ProcessHandle.current().pid();
      operator.runWithLeaderElection(electionClient, env.getOrDefault("POD_NAMESPACE", "default"), identity, () -> System.exit(1));
    } else {
      operator.startJanitor();
      operator.manager.run();
    }
  }
}
