package dev.keepsake.operator.reconcile;

import dev.keepsake.api.ApiKind;
import dev.keepsake.operator.desired.JobIdentity;
import dev.keepsake.api.RestoreSession;
import dev.keepsake.api.RestoreSessionStatus;
import dev.keepsake.api.SessionPhase;
import dev.keepsake.api.HookStatus;
import dev.keepsake.desired.Names;
import dev.keepsake.operator.hooks.HookRunner;
import dev.keepsake.operator.hooks.PodChoice;
import dev.keepsake.operator.status.HookSequence;
import java.util.List;
import dev.keepsake.desired.OperatorSettings;
import dev.keepsake.desired.RestoreJobs;
import dev.keepsake.desired.SharedRepositories;
import dev.keepsake.operator.kube.Cluster;
import dev.keepsake.operator.kube.Writer;
import dev.keepsake.operator.status.Readiness;
import dev.keepsake.operator.status.RestoreReadiness;
import dev.keepsake.operator.status.SessionPhases;
import io.kubernetes.client.extended.controller.reconciler.Reconciler;
import io.kubernetes.client.extended.controller.reconciler.Request;
import io.kubernetes.client.extended.controller.reconciler.Result;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Job;

/** RestoreSession → its Job, and the session's phase from the Job. */
public final class RestoreSessionReconciler implements Reconciler {
  private final Cluster cluster;
  private final References references;
  private final Writer writer;
  private final OperatorSettings settings;
  private final HookRunner hooks;

  public RestoreSessionReconciler(Cluster cluster, Writer writer, OperatorSettings settings, HookRunner hooks) {
    this.cluster = cluster;
    this.hooks = hooks;
    this.references = new References(cluster);
    this.writer = writer;
    this.settings = settings;
  }

  @Override
  public Result reconcile(Request request) {
    RestoreSession session = Cluster.get(cluster.restoreSessions, request.getNamespace(), request.getName());
    if (session == null || (session.getStatus() != null && session.getStatus().getPhase() != null
        && session.getStatus().getPhase().isFinished())) {
      return Results.done();
    }
    try {
      return reconcile(request, session);
    } catch (RuntimeException e) {
      return SessionRecorder.broken(writer, ApiKind.RESTORE_SESSION, session, RestoreSessionStatus.class, RestoreSessionStatus::new,
          Names.restoreJob(request.getName()), e);
    }
  }

  private Result reconcile(Request request, RestoreSession session) {
    SessionPhase phase = session.getStatus() == null ? null : session.getStatus().getPhase();
    // Running pre hooks, a session has no Job yet and is still to make one.
    boolean jobCreated = session.getStatus() != null && session.getStatus().getJobName() != null;
    SessionPhase jobPhase = phase == SessionPhase.Running && !jobCreated ? SessionPhase.Pending : phase;
    String namespace = request.getNamespace();
    String jobName = Names.restoreJob(request.getName());
    var spec = session.getSpec();
    try {
      V1Job job = Cluster.get(cluster.jobs, namespace, jobName);
      if (job != null && SessionRecorder.foreign(job, session)) {
        return SessionRecorder.record(writer, ApiKind.RESTORE_SESSION, session, RestoreSessionStatus.class, RestoreSessionStatus::new,
            SessionRecorder.foreignJob(job, session), jobName) ? Results.done() : Results.conflict();
      }
      // Resolving the Task is only needed while the Job is still to be made, not on every Job event.
      boolean jobToMake = job == null && jobPhase != SessionPhase.Running;
      RestoreJobs.Inputs inputs = !jobToMake ? null : new RestoreJobs.Inputs(session,
          references.repository(namespace, spec.getRepository()), references.appBinding(namespace, spec.getTarget()),
          references.task(namespace, spec.getTask().getName()), references.functions(namespace), settings);
      Readiness readiness = !jobToMake ? null : references.explained(RestoreReadiness.assess(session, inputs.repository(),
          references.namespaceLabels(namespace), inputs.task(), inputs.functions(), inputs.appBinding(), settings),
          namespace, spec.getRepository(), spec.getTask().getName(), spec.getTarget());
      V1Job desired = readiness != null && readiness.ready() ? SessionRecorder.buildable(() -> RestoreJobs.forSession(inputs)) : null;
      if (desired != null) {
        readiness = SessionRecorder.withSecrets(readiness, writer, desired, session, inputs.repository(),
            inputs.appBinding());
      }
      boolean jobGone = job == null && jobPhase == SessionPhase.Running && writer.jobGone(namespace, jobName);
      SessionPhases.Next core = SessionPhases.next(new SessionPhases.Observed(jobPhase, readiness, false, null, job, jobGone,
          job == null ? null : writer.podOutcome(namespace, jobName, SessionPhases.isFinished(job))));
      HookSequence.Plan plan = new HookSequence.Plan("restore", HookSequence.Stage.PreRestore,
          spec.getHooks() == null ? null : spec.getHooks().getPreRestore(), HookSequence.Stage.PostRestore,
          spec.getHooks() == null ? null : spec.getHooks().getPostRestore());
      List<HookStatus> recorded = session.getStatus() == null ? null : session.getStatus().getHooks();
      HookSequence.Decision decision = HookSequence.decide(plan, recorded, SessionHooks.recordedOutcome(session.getStatus()), core,
          phase == SessionPhase.Running);
      SessionPhases.Next next = decision.next();
      if (next.createJob()) {
        next = SessionRecorder.created(() -> {
          writer.ensureSessionIdentity(new JobIdentity.SessionIdentity(request.getNamespace(), jobName, ApiKind.RESTORE_SESSION.plural(),
              session), spec.getRuntimeSettings());
          if (SharedRepositories.shared(inputs.repository(), namespace)) {
            writer.syncSharedSecret(inputs.repository(), namespace, new io.kubernetes.client.openapi.models.V1OwnerReference()
                .apiVersion(session.getApiVersion()).kind(session.getKind()).name(session.getMetadata().getName())
                .uid(session.getMetadata().getUid()));
          }
          writer.createJob(desired != null ? desired : RestoreJobs.forSession(inputs));
        }, next, jobName);
        if (next.phase().isFinished() && !plan.isEmpty()) {
          // The Job was refused after the pre hooks ran: the post hooks still get their turn.
          decision = HookSequence.decide(plan, recorded, null, next, true);
          next = decision.next();
        }
      }
      var ref = spec.getTarget().getRef();
      SessionHooks.Step hookStep = SessionHooks.step(hooks, session, plan, decision, new SessionHooks.Facts("RestoreSession", null,
          ref.getKind(), ref.getName(), spec.getRepository().getName(),
          PodChoice.forTarget(ref, references.appBinding(namespace, spec.getTarget()))));
      if ((next.phase() == SessionPhase.Failed || core.phase() == SessionPhase.Failed) && job != null && !SessionPhases.isFinished(job)) {
        // Before the status: should the stop fail, the session stays Running and the next try stops it.
        writer.stopJob(namespace, jobName);
      }
      if (!SessionRecorder.record(writer, ApiKind.RESTORE_SESSION, session, RestoreSessionStatus.class, RestoreSessionStatus::new,
          next, jobName, status -> SessionHooks.apply(hookStep, status))) {
        return Results.conflict();
      }
      SessionHooks.recorded(writer, session, hookStep);
      if (hookStep.run() != null) {
        return Results.after(SessionHooks.WHILE_RUNNING);
      }
      if (next.phase() == SessionPhase.Running) {
        // A pod that cannot start changes nothing the Job shows: look at it again.
        return Results.after(SessionPhases.POD_RECHECK);
      }
      return next.phase() == SessionPhase.Pending && readiness != null && readiness.recheckAfter() != null
          ? Results.after(readiness.recheckAfter()) : Results.done();
    } catch (ApiException e) {
      return Results.failed("RestoreSession " + request, e);
    }
  }

}
