package dev.keepsake.operator.reconcile;

import dev.keepsake.api.ApiKind;
import dev.keepsake.api.BackupConfiguration;
import dev.keepsake.api.BackupHooks;
import dev.keepsake.api.BackupSession;
import dev.keepsake.api.BackupSessionSpec;
import dev.keepsake.api.BackupSessionStatus;
import dev.keepsake.api.Repository;
import dev.keepsake.api.SessionPhase;
import dev.keepsake.desired.BackupJobs;
import dev.keepsake.desired.Names;
import dev.keepsake.desired.OperatorSettings;
import dev.keepsake.desired.RunnerPeers;
import dev.keepsake.operator.hooks.HookRunner;
import dev.keepsake.operator.hooks.PodChoice;
import dev.keepsake.operator.kube.Cluster;
import dev.keepsake.operator.kube.KubeWrites;
import dev.keepsake.operator.status.ActiveRunners;
import dev.keepsake.operator.status.ConfigurationReadiness;
import dev.keepsake.operator.status.HookSequence;
import dev.keepsake.operator.status.Readiness;
import io.kubernetes.client.extended.controller.reconciler.Reconciler;
import io.kubernetes.client.extended.controller.reconciler.Request;
import io.kubernetes.client.extended.controller.reconciler.Result;
import io.kubernetes.client.openapi.ApiException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * BackupSession → its Job, and the session's phase from the Job; its configuration's history kept
 * to its limit.
 */
public final class BackupSessionReconciler implements Reconciler {
  private static final int DEFAULT_HISTORY_LIMIT = 5;
  private final Cluster cluster;
  private final References references;
  private final KubeWrites writes;
  private final OperatorSettings settings;
  private final SessionLifecycle<BackupSessionSpec, BackupSessionStatus, BackupSession> lifecycle;

  /**
   * Sessions (namespace/name → uid) whose first status this process wrote in the pass that added
   * their owner reference, until the cache shows a status.
   */
  private final Map<String, String> aheadOfCache = new ConcurrentHashMap<>();

  /** One lock per configuration, for its sessions that are still to start. */
  private final Map<String, Object> starting = new ConcurrentHashMap<>();

  /** Sessions (namespace/name) this process took to Running, for longer than the cache lags. */
  private final Map<String, Instant> startedHere = new ConcurrentHashMap<>();

  private static final Duration REMEMBERED = Duration.ofMinutes(5);

  public BackupSessionReconciler(
      Cluster cluster, KubeWrites writes, OperatorSettings settings, HookRunner hooks) {
    this.cluster = cluster;
    this.references = new References(cluster);
    this.writes = writes;
    this.settings = settings;
    this.lifecycle = new SessionLifecycle<>(cluster, writes, hooks, new Backups());
  }

  @Override
  public Result reconcile(Request request) {
    BackupSession session = cluster.backupSession(request.getNamespace(), request.getName());
    if (session == null) {
      aheadOfCache.remove(request.getNamespace() + "/" + request.getName());
      return Results.done();
    }
    try {
      return reconcile(request, session);
    } catch (RuntimeException e) {
      return broken(request, session, e);
    }
  }

  private Result reconcile(Request request, BackupSession cached) {
    BackupConfiguration configuration = configurationOf(cached);
    SessionPhase phase = cached.getStatus() == null ? null : cached.getStatus().getPhase();
    String key = request.getNamespace() + "/" + request.getName();
    String uid = cached.getMetadata().getUid();
    if (phase != null) {
      aheadOfCache.remove(key);
    } else if (uid != null && uid.equals(aheadOfCache.get(key))) {
      // The owner reference's update came round before the status written after it: this copy
      // knows nothing of the Job made. The status's own update brings the session back.
      return Results.done();
    }
    BackupSession session = cached;
    try {
      boolean ownerAdded = false;
      if (configuration != null && !ownedBy(session, configuration)) {
        // Sessions go with their configuration: the garbage collector follows this reference. The
        // session goes on as written: waiting for the update to come round put every new session
        // of a burst behind all the others before its Job was made.
        session = writes.metadata().withOwner(ApiKind.BACKUP_SESSION, session, configuration);
        if (session == null) {
          return Results.conflict();
        }
        ownerAdded = true;
      }
      if (phase != null && phase.isFinished()) {
        keepHistory(configuration);
        return Results.done();
      }
      SessionLifecycle.Outcome outcome = reconcileAlone(session);
      if (ownerAdded && phase == null && outcome.phase() != null && uid != null) {
        aheadOfCache.put(key, uid);
      }
      if (outcome.phase() != null && outcome.phase().isFinished()) {
        keepHistory(configuration);
      }
      return outcome.result();
    } catch (ApiException e) {
      return Results.failed("BackupSession " + request, e);
    } catch (RuntimeException e) {
      return broken(request, session, e);
    }
  }

  /**
   * A session without its Job yet is reconciled alone among its configuration's: the look at its
   * siblings and its start (pre hooks, Job) are one step, and what this process started is
   * remembered until the cache shows it, so two sessions created in the same second (their order
   * then by name) never both start.
   */
  private SessionLifecycle.Outcome reconcileAlone(BackupSession session) throws ApiException {
    String namespace = session.getMetadata().getNamespace();
    if (cluster.job(namespace, Names.backupJob(session.getMetadata().getName())) != null) {
      return lifecycle.reconcile(session);
    }
    Object configuration =
        starting.computeIfAbsent(
            namespace + "/" + session.getSpec().getInvoker().getName(), key -> new Object());
    synchronized (configuration) {
      SessionLifecycle.Outcome outcome = lifecycle.reconcile(session);
      if (outcome.phase() == SessionPhase.Running) {
        Instant now = Instant.now();
        startedHere.values().removeIf(at -> at.isBefore(now.minus(REMEMBERED)));
        startedHere.put(namespace + "/" + session.getMetadata().getName(), now);
      }
      return outcome;
    }
  }

  /** A failure nothing else classifies, recorded on the session as last read or written. */
  private Result broken(Request request, BackupSession session, RuntimeException e) {
    return SessionRecorder.broken(
        writes,
        ApiKind.BACKUP_SESSION,
        session,
        BackupSessionStatus.class,
        BackupSessionStatus::new,
        Names.backupJob(request.getName()),
        e);
  }

  private BackupConfiguration configurationOf(BackupSession session) {
    return cluster.configuration(
        session.getMetadata().getNamespace(), session.getSpec().getInvoker().getName());
  }

  /**
   * What backup sessions bring to the path all sessions take: a configuration, its pause, one
   * session at a time.
   */
  private final class Backups
      implements SessionLifecycle.Kind<BackupSessionSpec, BackupSessionStatus, BackupSession> {
    @Override
    public ApiKind<BackupSession, ?> api() {
      return ApiKind.BACKUP_SESSION;
    }

    @Override
    public Class<BackupSessionStatus> statusType() {
      return BackupSessionStatus.class;
    }

    @Override
    public Supplier<BackupSessionStatus> emptyStatus() {
      return BackupSessionStatus::new;
    }

    @Override
    public String jobName(BackupSession session) {
      return Names.backupJob(session.getMetadata().getName());
    }

    @Override
    public SessionLifecycle.Inputs inputs(BackupSession session) {
      BackupConfiguration configuration = configurationOf(session);
      String sibling = siblingAhead(session);
      if (configuration == null) {
        return new SessionLifecycle.Inputs(
            Readiness.missing(
                "ConfigurationNotFound",
                "BackupConfiguration "
                    + session.getSpec().getInvoker().getName()
                    + " does not exist"),
            false,
            sibling,
            null,
            null,
            null,
            null,
            null);
      }
      BackupJobs.Inputs inputs = jobInputs(session, configuration);
      Readiness readiness =
          ConfigurationReadiness.assess(configuration, observed(inputs), settings);
      return new SessionLifecycle.Inputs(
          readiness,
          Boolean.TRUE.equals(configuration.getSpec().getPaused()),
          sibling,
          () -> BackupJobs.forSession(inputs, peers(inputs.repository(), session)),
          inputs.repository(),
          inputs.appBinding(),
          configuration.getSpec().getRuntimeSettings(),
          SessionLifecycle.ownerOf(configuration));
    }

    @Override
    public HookSequence.Plan hooks(BackupSession session) {
      BackupConfiguration configuration = configurationOf(session);
      BackupHooks spec = configuration == null ? null : configuration.getSpec().getHooks();
      return new HookSequence.Plan(
          "backup",
          HookSequence.Stage.PreBackup,
          spec == null ? null : spec.getPreBackup(),
          HookSequence.Stage.PostBackup,
          spec == null ? null : spec.getPostBackup());
    }

    @Override
    public SessionHooks.Facts facts(BackupSession session) {
      String namespace = session.getMetadata().getNamespace();
      BackupConfiguration configuration = configurationOf(session);
      var spec = configuration == null ? null : configuration.getSpec();
      var ref = spec == null || spec.getTarget() == null ? null : spec.getTarget().getRef();
      return new SessionHooks.Facts(
          "BackupSession",
          session.getSpec().getInvoker().getName(),
          ref == null ? null : ref.getKind(),
          ref == null ? null : ref.getName(),
          spec == null ? null : spec.getRepository().getName(),
          PodChoice.forTarget(
              namespace,
              ref,
              spec == null ? null : references.appBinding(namespace, spec.getTarget())));
    }
  }

  /** What the runner is told, as its Job is made, about the other Jobs on its repository. */
  private RunnerPeers peers(Repository repository, BackupSession session) {
    return ActiveRunners.at(
        Instant.now(),
        cluster.jobsUsing(repository),
        session.getMetadata().getNamespace(),
        Names.backupJob(session.getMetadata().getName()));
  }

  private BackupJobs.Inputs jobInputs(BackupSession session, BackupConfiguration configuration) {
    String namespace = session.getMetadata().getNamespace();
    var spec = configuration.getSpec();
    return new BackupJobs.Inputs(
        session,
        configuration,
        references.repository(namespace, spec.getRepository()),
        references.appBinding(namespace, spec.getTarget()),
        references.task(namespace, spec.getTask().getName()),
        references.functions(namespace),
        settings);
  }

  private ConfigurationReadiness.Observed observed(BackupJobs.Inputs inputs) {
    String namespace = inputs.session().getMetadata().getNamespace();
    return new ConfigurationReadiness.Observed(
        inputs.repository(),
        references.namespaceLabels(namespace),
        inputs.task(),
        inputs.functions(),
        inputs.appBinding());
  }

  /**
   * A session of the same configuration that goes first: one that runs, or an older one that has
   * not finished. The order (creation time, then name) is the same for every worker, so two
   * sessions reconciled at the same moment never both start.
   */
  private String siblingAhead(BackupSession session) {
    return cluster
        .sessionsOf(session.getMetadata().getNamespace(), session.getSpec().getInvoker().getName())
        .stream()
        .filter(s -> !s.getMetadata().getName().equals(session.getMetadata().getName()))
        .filter(
            s ->
                phaseOf(s) == SessionPhase.Running
                    || (unfinished(s) && (started(s) || isOlder(s, session))))
        .map(s -> s.getMetadata().getName())
        .findFirst()
        .orElse(null);
  }

  /** Its Job is made, though its Running status may not have come round yet. */
  private boolean started(BackupSession session) {
    String namespace = session.getMetadata().getNamespace();
    String job = Names.backupJob(session.getMetadata().getName());
    Instant startedAt = startedHere.get(namespace + "/" + session.getMetadata().getName());
    return cluster.job(namespace, job) != null
        || writes.jobs().createdRecently(namespace, job)
        || (startedAt != null && startedAt.isAfter(Instant.now().minus(REMEMBERED)));
  }

  private static SessionPhase phaseOf(BackupSession session) {
    return session.getStatus() == null ? null : session.getStatus().getPhase();
  }

  private static boolean unfinished(BackupSession session) {
    SessionPhase phase = phaseOf(session);
    return phase == null || !phase.isFinished();
  }

  private static boolean isOlder(BackupSession one, BackupSession other) {
    var created = one.getMetadata().getCreationTimestamp();
    var otherCreated = other.getMetadata().getCreationTimestamp();
    if (created != null && otherCreated != null && !created.isEqual(otherCreated)) {
      return created.isBefore(otherCreated);
    }
    return one.getMetadata().getName().compareTo(other.getMetadata().getName()) < 0;
  }

  /** Deletes the oldest finished sessions beyond the configuration's history limit. */
  private void keepHistory(BackupConfiguration configuration) {
    if (configuration == null) {
      return;
    }
    Integer configured = configuration.getSpec().getBackupHistoryLimit();
    int limit = configured == null ? DEFAULT_HISTORY_LIMIT : configured;
    List<BackupSession> finished =
        cluster
            .sessionsOf(
                configuration.getMetadata().getNamespace(), configuration.getMetadata().getName())
            .stream()
            .filter(
                s ->
                    s.getStatus() != null
                        && s.getStatus().getPhase() != null
                        && s.getStatus().getPhase().isFinished())
            .sorted(
                Comparator.comparing((BackupSession s) -> s.getMetadata().getCreationTimestamp())
                    .reversed())
            .toList();
    finished.stream()
        .skip(limit)
        .forEach(
            old ->
                writes
                    .metadata()
                    .delete(
                        ApiKind.BACKUP_SESSION,
                        old.getMetadata().getNamespace(),
                        old.getMetadata().getName()));
  }

  private static boolean ownedBy(BackupSession session, BackupConfiguration configuration) {
    var owners = session.getMetadata().getOwnerReferences();
    return owners != null
        && owners.stream().anyMatch(o -> configuration.getMetadata().getUid().equals(o.getUid()));
  }
}
