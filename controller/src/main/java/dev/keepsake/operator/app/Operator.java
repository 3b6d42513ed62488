package dev.keepsake.operator.app;

import dev.keepsake.desired.OperatorSettings;
import dev.keepsake.operator.hooks.HookRunner;
import dev.keepsake.operator.kube.Cluster;
import dev.keepsake.operator.kube.KubeWrites;
import dev.keepsake.operator.kube.UndecodableObjects;
import dev.keepsake.operator.metrics.MetricsJanitor;
import io.kubernetes.client.extended.controller.ControllerManager;
import io.kubernetes.client.extended.controller.builder.ControllerBuilder;
import io.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.kubernetes.client.extended.leaderelection.LeaderElector;
import io.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import okhttp3.CipherSuite;
import okhttp3.ConnectionSpec;

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
  private final HookRunner hooks;
  private final MetricsJanitor janitor;
  private final KubeWrites writes;
  private final LeadershipGate gate;
  private final Controllers controllers;
  private Thread thread;
  private volatile LeaderElector elector;
  private volatile boolean closing;

  public Operator(
      ApiClient client,
      ApiClient watchClient,
      OperatorSettings settings,
      java.net.InetSocketAddress healthAddress)
      throws IOException {
    this(client, watchClient, settings, healthAddress, new LeadershipGate());
  }

  private Operator(
      ApiClient client,
      ApiClient watchClient,
      OperatorSettings settings,
      java.net.InetSocketAddress healthAddress,
      LeadershipGate gate)
      throws IOException {
    this.gate = gate;
    writes = KubeWrites.of(client);
    hooks = new HookRunner(client, watchClient, gate::leading);
    cluster =
        new Cluster(
            watchClient,
            new UndecodableObjects(client, writes, gate::leading),
            settings.watchedNamespaces());
    metrics = new OperatorMetrics();
    controllers = new Controllers(cluster, writes, settings, metrics, gate);
    manager =
        ControllerBuilder.controllerManagerBuilder(cluster.factory())
            .addController(controllers.backupConfigurations())
            .addController(controllers.backupSessions(hooks))
            .addController(controllers.restoreSessions(hooks))
            .addController(controllers.repositories())
            .build();
    // Only the leader counts them: a follower's caches are as full, and a dashboard sums replicas.
    metrics.countScheduled(
        () ->
            !gate.leading()
                ? Map.of()
                : cluster.configurations().stream()
                    .filter(c -> !Boolean.TRUE.equals(c.getSpec().getPaused()))
                    .filter(
                        c ->
                            !dev.keepsake.operator.schedule.Schedule.byHandOnly(
                                c.getSpec().getSchedule(), c.getSpec().getTimeZone()))
                    .collect(
                        Collectors.groupingBy(
                            c -> c.getMetadata().getNamespace(), Collectors.counting())));
    health = new HealthServer(healthAddress, cluster::ready, cluster::notReadyBecause, metrics);
    janitor =
        settings.pushgatewayUrl() == null
            ? null
            : new MetricsJanitor(
                settings.pushgatewayUrl(), cluster, Duration.ofSeconds(15), gate::leading);
  }

  /**
   * Counts every request these clients send from now on in keepsake_operator_api_requests_total:
   * what an installation costs its API server, and whether a quiet cluster is left alone.
   */
  public void countRequests(ApiClient... clients) {
    for (ApiClient counted : clients) {
      metrics.count(counted);
    }
  }

  /** A health endpoint on a free loopback port, for in-process use. */
  public static java.net.InetSocketAddress loopback() {
    return new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0);
  }

  /** Runs the controllers in the background (in-process use: tests and the local demo). */
  public Operator start() {
    return start(true);
  }

  private synchronized Operator start(boolean withJanitor) {
    thread = new Thread(manager, "keepsake-operator");
    if (withJanitor) {
      startJanitor();
    }
    thread.setDaemon(true);
    thread.start();
    return this;
  }

  /**
   * Lets the controllers act while this process holds the Lease, until it is closed; a follower
   * watches, its workers letting every request go. A leader that cannot renew the Lease within the
   * renew deadline stops acting (its workers let requests go, its hooks stop, and where its client
   * is guarded, as {@link #main} guards it, its writes are refused) and tries for the Lease again:
   * once it leads, it looks at every cached object again. {@code onLostLeadership} is told each
   * time.
   */
  public void runWithLeaderElection(
      ApiClient electionClient, String namespace, String identity, Runnable onLostLeadership) {
    LeaseLock lock = new LeaseLock(namespace, LEASE_NAME, identity, electionClient);
    LeaderElectionConfig config =
        new LeaderElectionConfig(lock, LEASE_DURATION, RENEW_DEADLINE, RETRY_PERIOD);
    elector = new LeaderElector(config);
    java.util.concurrent.atomic.AtomicBoolean led = new java.util.concurrent.atomic.AtomicBoolean();
    // A follower watches and runs its controllers too, letting every request go: its /readyz then
    // says it is ready to take over (a rolling update waits for that), and it takes over with its
    // caches filled.
    gate.follow();
    start(false);
    while (!closing) {
      long stopsBefore = gate.stops();
      elector.run(
          () -> {
            if (closing) {
              return;
            }
            gate.lead(stopsBefore);
            if (!gate.leading()) {
              return;
            }
            try {
              controllers.requeueAll();
              cluster.undecodable().reportPending();
              startJanitor();
            } catch (RuntimeException e) {
              LOG.log(java.util.logging.Level.SEVERE, identity + " could not begin to lead", e);
            }
            if (led.compareAndSet(false, true)) {
              LOG.info(identity + " leads; its controllers act");
            } else {
              LOG.warning(identity + " leads again; its controllers act again");
            }
          },
          () -> {
            boolean wasLeading = gate.leading();
            gate.follow();
            hooks.cancelAll();
            if (!closing && wasLeading) {
              LOG.severe(
                  identity
                      + " could not renew the Lease "
                      + LEASE_NAME
                      + " within "
                      + RENEW_DEADLINE.toSeconds()
                      + " s and stopped acting; it tries for the Lease again");
              onLostLeadership.run();
            }
          });
      if (!closing) {
        // run returns once the Lease is lost (or could not be tried for): go back to trying.
        try {
          Thread.sleep(RETRY_PERIOD.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private static final Duration LEASE_DURATION = Duration.ofSeconds(15);
  private static final Duration RENEW_DEADLINE = Duration.ofSeconds(10);
  private static final Duration RETRY_PERIOD = Duration.ofSeconds(2);

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
    closing = true;
    // Nothing acts from here on, and the controllers stop first: closing the elector waits for its
    // thread and may release the Lease, and a lost leader must not reconcile on meanwhile.
    gate.shutDown();
    manager.shutdown();
    if (elector != null) {
      // A follower's elector keeps trying for the Lease until it is closed.
      elector.close();
    }
    hooks.close();
    if (janitor != null) {
      janitor.close();
    }
    health.close();
    writes.close();
  }

  static final Duration WATCH_PING = Duration.ofSeconds(30);

  /**
   * The client's usual TLS settings with ChaCha20-Poly1305 first. The operator runs with the client
   * compiler only (its image's -XX:TieredStopAtLevel=1), which has no intrinsics for AES-GCM: there
   * it encrypts about 40 MB/s against 200 for ChaCha20-Poly1305, and a Go API server takes the
   * cipher the client names first. AES-GCM stays on offer for servers without ChaCha20.
   */
  static ApiClient chachaFirst(ApiClient client) {
    List<CipherSuite> suites = new ArrayList<>(ConnectionSpec.MODERN_TLS.cipherSuites());
    suites.sort(Comparator.comparing(suite -> !suite.javaName().contains("CHACHA20")));
    ConnectionSpec tls =
        new ConnectionSpec.Builder(ConnectionSpec.MODERN_TLS)
            .cipherSuites(suites.toArray(CipherSuite[]::new))
            .build();
    return client.setHttpClient(
        client
            .getHttpClient()
            .newBuilder()
            .connectionSpecs(List.of(tls, ConnectionSpec.CLEARTEXT))
            .build());
  }

  public static void main(String[] args) throws IOException {
    OperatorEnvironment environment = OperatorEnvironment.of(System.getenv());
    // Separate clients: a watch must never time out, ordinary calls must, and leader election must
    // not queue behind either.
    LeadershipGate gate = new LeadershipGate();
    ApiClient client =
        gate.guard(
            chachaFirst(ClientBuilder.standard().setReadTimeout(Duration.ofSeconds(30)).build()));
    ApiClient watchClient =
        chachaFirst(ClientBuilder.standard().setReadTimeout(Duration.ZERO).build());
    // Without a read timeout, a watch whose connection died without a word (a NAT entry dropped, a
    // node gone) would wait forever with /readyz still green; HTTP/2 pings find it within a minute.
    watchClient.setHttpClient(
        watchClient.getHttpClient().newBuilder().pingInterval(WATCH_PING).build());
    ApiClient electionClient =
        chachaFirst(ClientBuilder.standard().setReadTimeout(Duration.ofSeconds(10)).build());
    Operator operator =
        new Operator(
            client,
            watchClient,
            environment.settings(),
            new java.net.InetSocketAddress(environment.healthPort()),
            gate);
    operator.countRequests(client, watchClient);
    Runtime.getRuntime().addShutdownHook(new Thread(operator::close));
    if (environment.leaderElection()) {
      String host =
          environment.podName() != null
              ? environment.podName()
              : java.net.InetAddress.getLocalHost().getHostName();
      operator.runWithLeaderElection(
          electionClient,
          environment.podNamespace(),
          host + "-" + ProcessHandle.current().pid(),
          () -> {});
    } else {
      operator.startJanitor();
      operator.manager.run();
    }
  }
}
