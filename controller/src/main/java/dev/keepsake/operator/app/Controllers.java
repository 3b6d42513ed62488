package dev.keepsake.operator.app;

import dev.keepsake.api.BackupConfiguration;
import dev.keepsake.api.BackupSession;
import dev.keepsake.api.Repository;
import dev.keepsake.api.RestoreSession;
import dev.keepsake.api.SessionPhase;
import dev.keepsake.desired.Labels;
import dev.keepsake.desired.OperatorSettings;
import dev.keepsake.operator.hooks.HookRunner;
import dev.keepsake.operator.kube.Cluster;
import dev.keepsake.operator.kube.KubeWrites;
import dev.keepsake.operator.reconcile.BackupConfigurationReconciler;
import dev.keepsake.operator.reconcile.BackupSessionReconciler;
import dev.keepsake.operator.reconcile.RepositoryReconciler;
import dev.keepsake.operator.reconcile.RestoreSessionReconciler;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.extended.controller.Controller;
import io.kubernetes.client.extended.controller.DefaultController;
import io.kubernetes.client.extended.controller.builder.ControllerBuilder;
import io.kubernetes.client.extended.controller.builder.DefaultControllerBuilder;
import io.kubernetes.client.extended.controller.reconciler.Reconciler;
import io.kubernetes.client.extended.controller.reconciler.Request;
import io.kubernetes.client.extended.controller.reconciler.Result;
import io.kubernetes.client.extended.workqueue.DefaultRateLimitingQueue;
import io.kubernetes.client.extended.workqueue.RateLimitingQueue;
import io.kubernetes.client.openapi.models.V1CronJob;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;

/**
 * One factory per controller: what it watches, how an event finds the object to reconcile, its
 * reconciler.
 */
final class Controllers {
  /**
   * Reconciles spend their time waiting on the API server, not on the CPU: more of them in flight
   * raise throughput (test/bench/scale.sh: 2 workers made 50 configurations Ready per second).
   */
  private static final int WORKERS = 8;

  /**
   * How long an event of a session or Job waits before the status that sums it up (a
   * configuration's, a Repository's) is looked at again; the object's other events of that second
   * go with it.
   */
  private static final Duration SETTLE = Duration.ofSeconds(1);

  private final Cluster cluster;
  private final KubeWrites writes;
  private final OperatorSettings settings;
  private final OperatorMetrics metrics;
  private final LeadershipGate gate;

  Controllers(
      Cluster cluster,
      KubeWrites writes,
      OperatorSettings settings,
      OperatorMetrics metrics,
      LeadershipGate gate) {
    this.cluster = cluster;
    this.writes = writes;
    this.settings = settings;
    this.metrics = metrics;
    this.gate = gate;
  }

  /**
   * Configurations, looked at again when their CronJob or a session changes, or an input of theirs
   * does.
   */
  Controller backupConfigurations() {
    StartWhenSynced controller =
        controller(
            "backup-configurations",
            "BackupConfiguration",
            BackupConfiguration.class,
            new BackupConfigurationReconciler(cluster, writes, settings),
            builder ->
                builder
                    .watch(
                        queue ->
                            ControllerBuilder.controllerWatchBuilder(
                                    BackupConfiguration.class, queue)
                                .build())
                    .watch(
                        queue ->
                            ControllerBuilder.controllerWatchBuilder(V1CronJob.class, queue)
                                .withWorkQueueKeyFunc(
                                    cronJob -> byLabel(cronJob.getMetadata(), Labels.CONFIGURATION))
                                .build())
                    .watch(
                        queue ->
                            ControllerBuilder.controllerWatchBuilder(
                                    BackupSession.class, new SettlingQueue<>(queue, SETTLE))
                                .withWorkQueueKeyFunc(
                                    session ->
                                        new Request(
                                            session.getMetadata().getNamespace(),
                                            invokerOf(session)))
                                .build()));
    var queue = controller.workQueue();
    cluster.whenConfigurationInputsChange(
        configuration ->
            queue.add(
                new Request(
                    configuration.getMetadata().getNamespace(),
                    configuration.getMetadata().getName())));
    return controller;
  }

  Controller backupSessions(HookRunner hooks) {
    return controller(
        "backup-sessions",
        "BackupSession",
        BackupSession.class,
        new BackupSessionReconciler(cluster, writes, settings, hooks),
        builder ->
            builder
                .watch(
                    queue ->
                        ControllerBuilder.controllerWatchBuilder(BackupSession.class, queue)
                            .build())
                .watch(
                    queue ->
                        ControllerBuilder.controllerWatchBuilder(V1Job.class, queue)
                            .withWorkQueueKeyFunc(job -> byLabel(job.getMetadata(), Labels.SESSION))
                            .build()));
  }

  Controller restoreSessions(HookRunner hooks) {
    return controller(
        "restore-sessions",
        "RestoreSession",
        RestoreSession.class,
        new RestoreSessionReconciler(cluster, writes, settings, hooks),
        builder ->
            builder
                .watch(
                    queue ->
                        ControllerBuilder.controllerWatchBuilder(RestoreSession.class, queue)
                            .build())
                .watch(
                    queue ->
                        ControllerBuilder.controllerWatchBuilder(V1Job.class, queue)
                            .withWorkQueueKeyFunc(job -> byLabel(job.getMetadata(), Labels.RESTORE))
                            .build()));
  }

  Controller repositories() {
    return controller(
        "repositories",
        "Repository",
        Repository.class,
        new RepositoryReconciler(cluster, writes, settings),
        builder ->
            builder
                .watch(
                    queue ->
                        ControllerBuilder.controllerWatchBuilder(Repository.class, queue).build())
                .watch(
                    queue ->
                        ControllerBuilder.controllerWatchBuilder(
                                V1Job.class, new SettlingQueue<>(queue, SETTLE))
                            .withWorkQueueKeyFunc(
                                job -> byLabel(job.getMetadata(), Labels.REPOSITORY))
                            .build())
                .watch(
                    queue ->
                        ControllerBuilder.controllerWatchBuilder(
                                BackupSession.class, new SettlingQueue<>(queue, SETTLE))
                            // Progress patches arrive every few seconds; a Repository's status
                            // changes only when a session ends.
                            .withOnUpdateFilter(
                                (before, after) -> !Objects.equals(phaseOf(before), phaseOf(after)))
                            .withWorkQueueKeyFunc(this::repositoryOf)
                            .build()));
  }

  private StartWhenSynced controller(
      String name,
      String kind,
      Class<? extends KubernetesObject> primary,
      Reconciler reconciler,
      UnaryOperator<DefaultControllerBuilder> watches) {
    // The queue goes in first: each watch captures the builder's queue when it is added.
    RateLimitingQueue<Request> queue =
        metrics.track(name, new DefaultRateLimitingQueue<>(Executors.newSingleThreadExecutor()));
    queues.put(primary, queue);
    var builder = ControllerBuilder.defaultBuilder(cluster.factory()).withWorkQueue(queue);
    return new StartWhenSynced(
        (DefaultController)
            watches
                .apply(builder)
                .withName(name)
                .withReconciler(whileLeading(metrics.instrument(kind, reconciler)))
                .withWorkerCount(WORKERS)
                .build(),
        cluster::synced);
  }

  /** Each controller's queue, by the kind it reconciles. */
  private final Map<Class<? extends KubernetesObject>, RateLimitingQueue<Request>> queues =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Every object in the caches, to be reconciled: what a process that has just begun to lead must
   * look at, as a new one would; while it followed, its workers let every request go.
   */
  void requeueAll() {
    queues.forEach(
        (kind, queue) ->
            cluster.factory().getExistingSharedIndexInformer(kind).getIndexer().list().stream()
                .map(KubernetesObject::getMetadata)
                .forEach(meta -> queue.add(new Request(meta.getNamespace(), meta.getName()))));
  }

  /**
   * A reconciler that lets requests go while this process does not lead: its queues stay short, and
   * {@link #requeueAll} brings everything back once it leads.
   */
  private Reconciler whileLeading(Reconciler reconciler) {
    return request -> gate.leading() ? reconciler.reconcile(request) : new Result(false);
  }

  /**
   * The session's configuration; empty for the identity-only stand-in of an object that could not
   * be decoded.
   */
  private static String invokerOf(BackupSession session) {
    return session.getSpec() == null || session.getSpec().getInvoker() == null
        ? ""
        : session.getSpec().getInvoker().getName();
  }

  private static SessionPhase phaseOf(BackupSession session) {
    return session.getStatus() == null ? null : session.getStatus().getPhase();
  }

  /** The Repository a backup session writes into, through its configuration. */
  private Request repositoryOf(BackupSession session) {
    BackupConfiguration configuration =
        cluster.configuration(session.getMetadata().getNamespace(), invokerOf(session));
    if (configuration == null) {
      return new Request(session.getMetadata().getNamespace(), "");
    }
    var ref = configuration.getSpec().getRepository();
    return new Request(
        ref.getNamespace() == null ? session.getMetadata().getNamespace() : ref.getNamespace(),
        ref.getName());
  }

  private static Request byLabel(V1ObjectMeta meta, String label) {
    Map<String, String> labels = meta.getLabels();
    return new Request(meta.getNamespace(), labels == null ? "" : labels.getOrDefault(label, ""));
  }
}
