package dev.keepsake.operator.reconcile;

import dev.keepsake.api.ApiKind;
import dev.keepsake.operator.desired.JobIdentity;
import dev.keepsake.api.BackupConfiguration;
import dev.keepsake.api.BackupSession;
import dev.keepsake.api.BackupSessionStatus;
import dev.keepsake.api.SessionPhase;
import dev.keepsake.api.BackupHooks;
import dev.keepsake.api.HookStatus;
import dev.keepsake.desired.BackupJobs;
import dev.keepsake.desired.SharedRepositories;
import dev.keepsake.operator.hooks.HookRunner;
import dev.keepsake.operator.hooks.PodChoice;
import dev.keepsake.operator.status.HookSequence;
import dev.keepsake.desired.Names;
import dev.keepsake.desired.OperatorSettings;
import dev.keepsake.operator.kube.Cluster;
import dev.keepsake.operator.kube.Writer;
import dev.keepsake.operator.status.ConfigurationReadiness;
import dev.keepsake.operator.status.Readiness;
import dev.keepsake.operator.status.SessionPhases;
import io.kubernetes.client.extended.controller.reconciler.Reconciler;
import io.kubernetes.client.extended.controller.reconciler.Request;
import io.kubernetes.client.extended.controller.reconciler.Result;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Job;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;

/** BackupSession → its Job, and the session's phase from the Job. */
public final class BackupSessionReconciler implements Reconciler {
  private static final int DEFAULT_HISTORY_LIMIT = 5;
  private final Cluster cluster;
  private final References references;
  private final Writer writer;
  private final OperatorSettings settings;
  private final HookRunner hooks;

  public BackupSessionReconciler(Cluster cluster, Writer writer, OperatorSettings settings, HookRunner hooks) {
    this.cluster = cluster;
    this.hooks = hooks;
    this.references = new References(cluster);
    this.writer = writer;
    this.settings = settings;
  }

  @Override
  public Result reconcile(Request request) {
    BackupSession session = Cluster.get(cluster.backupSessions, request.getNamespace(), request.getName());
    if (session == null) {
      return Results.done();
    }
    try {
      return reconcile(request, session);
    } catch (RuntimeException e) {
      return SessionRecorder.broken(writer, ApiKind.BACKUP_SESSION, session, BackupSessionStatus.class, BackupSessionStatus::new,
          Names.backupJob(request.getName()), e);
    }
  }

  private Result reconcile(Request request, BackupSession session) {
    BackupConfiguration configuration =
        Cluster.get(cluster.configurations, request.getNamespace(), session.getSpec().getInvoker().getName());
    SessionPhase phase = session.getStatus() == null ? null : session.getStatus().getPhase();
    // Running pre hooks, a session has no Job yet and is still to make one.
    boolean jobCreated = session.getStatus() != null && session.getStatus().getJobName() != null;
    SessionPhase jobPhase = phase == SessionPhase.Running && !jobCreated ? SessionPhase.Pending : phase;
    String jobName = Names.backupJob(request.getName());
    try {
      if (configuration != null && !ownedBy(session, configuration)) {
        // Sessions go with their configuration: the garbage collector follows this reference.
        return writer.addOwner(ApiKind.BACKUP_SESSION, session, configuration) ? Results.done() : Results.conflict();
      }
      if (phase != null && phase.isFinished()) {
        keepHistory(configuration);
        return Results.done();
      }
      V1Job job = Cluster.get(cluster.jobs, request.getNamespace(), jobName);
      if (job != null && SessionRecorder.foreign(job, session)) {
        return SessionRecorder.record(writer, ApiKind.BACKUP_SESSION, session, BackupSessionStatus.class, BackupSessionStatus::new,
            SessionRecorder.foreignJob(job, session), jobName) ? Results.done() : Results.conflict();
      }
      boolean jobGone = job == null && jobPhase == SessionPhase.Running && writer.jobGone(request.getNamespace(), jobName);
      // Resolving the Task is only needed while the Job is still to be made, not on every Job event.
      boolean jobToMake = job == null && jobPhase != SessionPhase.Running;
      BackupJobs.Inputs inputs = configuration == null || !jobToMake ? null : inputs(session, configuration);
      Readiness readiness = !jobToMake ? null : configuration == null
          ? Readiness.missing("ConfigurationNotFound", "BackupConfiguration " + session.getSpec().getInvoker().getName() + " does not exist")
          : ConfigurationReadiness.assess(configuration, observed(inputs), settings);
      boolean paused = configuration != null && Boolean.TRUE.equals(configuration.getSpec().getPaused());
      String sibling = runningSibling(session);
      V1Job desired = readiness != null && readiness.ready() && !paused && sibling == null
          ? SessionRecorder.buildable(() -> BackupJobs.forSession(inputs)) : null;
      if (desired != null) {
        readiness = SessionRecorder.withSecrets(readiness, writer, desired, session, inputs.repository(),
            inputs.appBinding());
      }
      SessionPhases.Next core = SessionPhases.next(new SessionPhases.Observed(jobPhase, readiness, paused, sibling, job, jobGone,
          job == null ? null : writer.podOutcome(request.getNamespace(), jobName, SessionPhases.isFinished(job))));
      HookSequence.Plan plan = plan(configuration);
      HookSequence.Decision decision = HookSequence.decide(plan, hooksOf(session), SessionHooks.recordedOutcome(session.getStatus()),
          core, phase == SessionPhase.Running);
      SessionPhases.Next next = decision.next();
      if (next.createJob()) {
        next = SessionRecorder.created(() -> {
          writer.ensureSessionIdentity(new JobIdentity.SessionIdentity(request.getNamespace(), jobName, ApiKind.BACKUP_SESSION.plural(),
              session), configuration.getSpec().getRuntimeSettings());
          if (SharedRepositories.shared(inputs.repository(), request.getNamespace())) {
            writer.syncSharedSecret(inputs.repository(), request.getNamespace(), ownerOf(configuration));
          }
          writer.createJob(desired != null ? desired : BackupJobs.forSession(inputs));
        }, next, jobName);
        if (next.phase().isFinished() && !plan.isEmpty()) {
          // The Job was refused after the pre hooks ran: the post hooks still get their turn.
          decision = HookSequence.decide(plan, hooksOf(session), null, next, true);
          next = decision.next();
        }
      }
      SessionHooks.Step hookStep = SessionHooks.step(hooks, session, plan, decision, facts(session, configuration));
      if ((next.phase() == SessionPhase.Failed || core.phase() == SessionPhase.Failed) && job != null && !SessionPhases.isFinished(job)) {
        // Before the status: should the stop fail, the session stays Running and the next try stops it.
        writer.stopJob(request.getNamespace(), jobName);
      }
      if (!SessionRecorder.record(writer, ApiKind.BACKUP_SESSION, session, BackupSessionStatus.class, BackupSessionStatus::new,
          next, jobName, status -> SessionHooks.apply(hookStep, status))) {
        return Results.conflict();
      }
      SessionHooks.recorded(writer, session, hookStep);
      if (hookStep.run() != null) {
        return Results.after(SessionHooks.WHILE_RUNNING);
      }
      if (next.phase().isFinished()) {
        keepHistory(configuration);
      }
      if (next.phase() == SessionPhase.Running) {
        // A pod that cannot start changes nothing the Job shows: look at it again.
        return Results.after(SessionPhases.POD_RECHECK);
      }
      return next.phase() == SessionPhase.Pending && readiness != null && readiness.recheckAfter() != null
          ? Results.after(readiness.recheckAfter()) : Results.done();
    } catch (ApiException e) {
      return Results.failed("BackupSession " + request, e);
    }
  }

  private static HookSequence.Plan plan(BackupConfiguration configuration) {
    BackupHooks spec = configuration == null ? null : configuration.getSpec().getHooks();
    return new HookSequence.Plan("backup", HookSequence.Stage.PreBackup, spec == null ? null : spec.getPreBackup(),
        HookSequence.Stage.PostBackup, spec == null ? null : spec.getPostBackup());
  }

  private static List<HookStatus> hooksOf(BackupSession session) {
    return session.getStatus() == null ? null : session.getStatus().getHooks();
  }

  private SessionHooks.Facts facts(BackupSession session, BackupConfiguration configuration) {
    String namespace = session.getMetadata().getNamespace();
    var spec = configuration == null ? null : configuration.getSpec();
    var ref = spec == null || spec.getTarget() == null ? null : spec.getTarget().getRef();
    return new SessionHooks.Facts("BackupSession", session.getSpec().getInvoker().getName(), ref == null ? null : ref.getKind(),
        ref == null ? null : ref.getName(), spec == null ? null : spec.getRepository().getName(),
        PodChoice.forTarget(ref, spec == null ? null : references.appBinding(namespace, spec.getTarget())));
  }

  private BackupJobs.Inputs inputs(BackupSession session, BackupConfiguration configuration) {
    String namespace = session.getMetadata().getNamespace();
    var spec = configuration.getSpec();
    return new BackupJobs.Inputs(session, configuration, references.repository(namespace, spec.getRepository()),
        references.appBinding(namespace, spec.getTarget()), references.task(namespace, spec.getTask().getName()),
        references.functions(namespace), settings);
  }

  private ConfigurationReadiness.Observed observed(BackupJobs.Inputs inputs) {
    String namespace = inputs.session().getMetadata().getNamespace();
    return new ConfigurationReadiness.Observed(inputs.repository(), references.namespaceLabels(namespace), inputs.task(),
        inputs.functions(), inputs.appBinding());
  }

  private String runningSibling(BackupSession session) {
    return sessionsOf(session.getMetadata().getNamespace(), session.getSpec().getInvoker().getName()).stream()
        .filter(s -> !s.getMetadata().getName().equals(session.getMetadata().getName()))
        .filter(s -> s.getStatus() != null && s.getStatus().getPhase() == SessionPhase.Running)
        .map(s -> s.getMetadata().getName())
        .findFirst().orElse(null);
  }

  /** Deletes the oldest finished sessions beyond the configuration's history limit. */
  private void keepHistory(BackupConfiguration configuration) {
    if (configuration == null) {
      return;
    }
    Integer configured = configuration.getSpec().getBackupHistoryLimit();
    int limit = configured == null ? DEFAULT_HISTORY_LIMIT : configured;
    List<BackupSession> finished = sessionsOf(configuration.getMetadata().getNamespace(), configuration.getMetadata().getName())
        .stream()
        .filter(s -> s.getStatus() != null && s.getStatus().getPhase() != null && s.getStatus().getPhase().isFinished())
        .sorted(Comparator.comparing((BackupSession s) -> s.getMetadata().getCreationTimestamp()).reversed())
        .toList();
    finished.stream().skip(limit).forEach(old ->
        writer.delete(ApiKind.BACKUP_SESSION, old.getMetadata().getNamespace(), old.getMetadata().getName()));
  }

  private List<BackupSession> sessionsOf(String namespace, String configuration) {
    return Cluster.in(cluster.backupSessions, namespace).stream()
        .filter(s -> configuration.equals(s.getSpec().getInvoker().getName()))
        .toList();
  }

  private static io.kubernetes.client.openapi.models.V1OwnerReference ownerOf(BackupConfiguration configuration) {
    return new io.kubernetes.client.openapi.models.V1OwnerReference().apiVersion(configuration.getApiVersion())
        .kind(configuration.getKind()).name(configuration.getMetadata().getName()).uid(configuration.getMetadata().getUid());
  }

  private static boolean ownedBy(BackupSession session, BackupConfiguration configuration) {
    var owners = session.getMetadata().getOwnerReferences();
    return owners != null && owners.stream().anyMatch(o -> configuration.getMetadata().getUid().equals(o.getUid()));
  }
}
