package dev.keepsake.operator.reconcile;

import dev.keepsake.api.ApiKind;
import dev.keepsake.api.RestoreSession;
import dev.keepsake.api.RestoreSessionStatus;
import dev.keepsake.api.SessionPhase;
import dev.keepsake.desired.Names;
import dev.keepsake.desired.OperatorSettings;
import dev.keepsake.desired.RestoreJobs;
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

  public RestoreSessionReconciler(Cluster cluster, Writer writer, OperatorSettings settings) {
    this.cluster = cluster;
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
    String namespace = request.getNamespace();
    String jobName = Names.restoreJob(request.getName());
    var spec = session.getSpec();
    try {
      V1Job job = Cluster.get(cluster.jobs, namespace, jobName);
      // Resolving the Task is only needed while the Job is still to be made, not on every Job event.
      boolean jobToMake = job == null && phase != SessionPhase.Running;
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
      boolean jobGone = job == null && phase == SessionPhase.Running && writer.jobGone(namespace, jobName);
      SessionPhases.Next next = SessionPhases.next(new SessionPhases.Observed(phase, readiness, false, null, job, jobGone,
          job == null ? null : writer.podOutcome(namespace, jobName, SessionPhases.isFinished(job))));
      if (next.createJob()) {
        next = SessionRecorder.created(() -> {
          writer.ensureJobIdentity(request.getNamespace(), spec.getRuntimeSettings(), settings.jobServiceAccount());
          writer.createJob(desired != null ? desired : RestoreJobs.forSession(inputs));
        }, next, jobName);
      }
      if (next.phase() == SessionPhase.Failed && job != null && !SessionPhases.isFinished(job)) {
        // Before the status: should the stop fail, the session stays Running and the next try stops it.
        writer.stopJob(namespace, jobName);
      }
      if (!SessionRecorder.record(writer, ApiKind.RESTORE_SESSION, session, RestoreSessionStatus.class, RestoreSessionStatus::new,
          next, jobName)) {
        return Results.conflict();
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
