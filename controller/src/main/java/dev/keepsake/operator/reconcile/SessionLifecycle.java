package dev.keepsake.operator.reconcile;

import dev.keepsake.api.ApiKind;
import dev.keepsake.api.AppBinding;
import dev.keepsake.api.HookStatus;
import dev.keepsake.api.Repository;
import dev.keepsake.api.Resource;
import dev.keepsake.api.RuntimeSettings;
import dev.keepsake.api.SessionPhase;
import dev.keepsake.api.SessionStatus;
import dev.keepsake.desired.SharedRepositories;
import dev.keepsake.operator.desired.JobIdentity;
import dev.keepsake.operator.hooks.HookRunner;
import dev.keepsake.operator.kube.Cluster;
import dev.keepsake.operator.kube.KubeWrites;
import dev.keepsake.operator.status.HookSequence;
import dev.keepsake.operator.status.Readiness;
import dev.keepsake.operator.status.SessionPhases;
import io.kubernetes.client.extended.controller.reconciler.Result;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1OwnerReference;
import java.util.List;
import java.util.function.Supplier;

/**
 * The path every session takes, backup and restore alike: its pre hooks, its Job made from its
 * inputs once they are ready, its phase from the Job and the Job's pod, its post hooks, and the
 * status and Event of each move. What differs between the two kinds is a {@link Kind}.
 */
final class SessionLifecycle<P, S extends SessionStatus<S>, T extends Resource<P, S, T>> {
  /** What a kind of session brings to the path. */
  interface Kind<P, S extends SessionStatus<S>, T extends Resource<P, S, T>> {
    ApiKind<T, ?> api();

    Class<S> statusType();

    Supplier<S> emptyStatus();

    String jobName(T session);

    /** The session's inputs, read only while its Job is still to be made. */
    Inputs inputs(T session);

    HookSequence.Plan hooks(T session);

    SessionHooks.Facts facts(T session);
  }

  /**
   * What the Job is made from and whether it may be made now.
   *
   * @param paused the configuration is paused (backups only)
   * @param sibling another session of the same configuration that runs (backups only), or null
   * @param job builds the Job; called only when the inputs are ready
   * @param secretOwner owns the consumer namespace's copy of a shared Repository's Secret
   */
  record Inputs(
      Readiness readiness,
      boolean paused,
      String sibling,
      Supplier<V1Job> job,
      Repository repository,
      AppBinding appBinding,
      RuntimeSettings runtime,
      V1OwnerReference secretOwner) {}

  /** The result to return, and the phase the session was left in. */
  record Outcome(Result result, SessionPhase phase) {}

  private final Cluster cluster;
  private final KubeWrites writes;
  private final HookRunner hooks;
  private final Kind<P, S, T> kind;

  SessionLifecycle(Cluster cluster, KubeWrites writes, HookRunner hooks, Kind<P, S, T> kind) {
    this.cluster = cluster;
    this.writes = writes;
    this.hooks = hooks;
    this.kind = kind;
  }

  Outcome reconcile(T session) throws ApiException {
    String namespace = session.getMetadata().getNamespace();
    String jobName = kind.jobName(session);
    SessionPhase phase = session.getStatus() == null ? null : session.getStatus().getPhase();
    // Running pre hooks, a session has no Job yet and is still to make one.
    boolean jobCreated = session.getStatus() != null && session.getStatus().getJobName() != null;
    SessionPhase jobPhase =
        phase == SessionPhase.Running && !jobCreated ? SessionPhase.Pending : phase;
    V1Job job = cluster.job(namespace, jobName);
    if (job != null && SessionRecorder.foreign(job, session)) {
      boolean recorded =
          SessionRecorder.record(
              writes,
              kind.api(),
              session,
              kind.statusType(),
              kind.emptyStatus(),
              SessionRecorder.foreignJob(job, session),
              jobName);
      return new Outcome(recorded ? Results.done() : Results.conflict(), phase);
    }
    boolean jobGone =
        job == null && jobPhase == SessionPhase.Running && writes.jobs().gone(namespace, jobName);
    // Resolving the Task is only needed while the Job is still to be made, not on every Job event.
    boolean jobToMake = job == null && jobPhase != SessionPhase.Running;
    Inputs inputs = jobToMake ? kind.inputs(session) : null;
    Readiness readiness = inputs == null ? null : inputs.readiness();
    boolean paused = inputs != null && inputs.paused();
    String sibling = inputs == null ? null : inputs.sibling();
    V1Job desired =
        readiness != null && readiness.ready() && !paused && sibling == null
            ? SessionRecorder.buildable(inputs.job())
            : null;
    if (desired != null) {
      readiness =
          SessionRecorder.withSecrets(
              readiness, writes, desired, session, inputs.repository(), inputs.appBinding());
    }
    SessionPhases.Next core =
        SessionPhases.next(
            new SessionPhases.Observed(
                jobPhase,
                readiness,
                paused,
                sibling,
                job,
                jobGone,
                job == null
                    ? null
                    : writes.pods().outcome(namespace, jobName, SessionPhases.isFinished(job))));
    HookSequence.Plan plan = kind.hooks(session);
    List<HookStatus> recorded = session.getStatus() == null ? null : session.getStatus().getHooks();
    HookSequence.Decision decision =
        HookSequence.decide(
            plan,
            recorded,
            SessionHooks.recordedOutcome(session.getStatus()),
            core,
            phase == SessionPhase.Running);
    SessionPhases.Next next = decision.next();
    if (next.createJob()) {
      next =
          SessionRecorder.created(
              () -> createJob(session, jobName, inputs, desired), next, jobName);
      if (next.phase().isFinished() && !plan.isEmpty()) {
        // The Job was refused after the pre hooks ran: the post hooks still get their turn.
        decision = HookSequence.decide(plan, recorded, null, next, true);
        next = decision.next();
      }
    }
    SessionHooks.Step hookStep =
        SessionHooks.step(hooks, session, plan, decision, kind.facts(session));
    if ((next.phase() == SessionPhase.Failed || core.phase() == SessionPhase.Failed)
        && job != null
        && !SessionPhases.isFinished(job)) {
      // Before the status: should the stop fail, the session stays Running and the next try stops
      // it.
      SessionPhases.Next failed = next.phase() == SessionPhase.Failed ? next : core;
      writes
          .jobs()
          .stop(
              namespace, jobName, new SessionPhases.Termination(failed.reason(), failed.message()));
    }
    if (!SessionRecorder.record(
        writes,
        kind.api(),
        session,
        kind.statusType(),
        kind.emptyStatus(),
        next,
        jobName,
        status -> SessionHooks.apply(hookStep, status))) {
      return new Outcome(Results.conflict(), phase);
    }
    SessionHooks.recorded(writes, session, hookStep);
    return new Outcome(resultAfter(next, hookStep, readiness), next.phase());
  }

  private void createJob(T session, String jobName, Inputs inputs, V1Job desired)
      throws ApiException {
    String namespace = session.getMetadata().getNamespace();
    writes
        .identities()
        .ensureForSession(
            new JobIdentity.SessionIdentity(namespace, jobName, kind.api().plural(), session),
            inputs.runtime());
    if (SharedRepositories.shared(inputs.repository(), namespace)) {
      writes.secrets().syncShared(inputs.repository(), namespace, inputs.secretOwner());
    }
    writes.jobs().create(desired != null ? desired : inputs.job().get());
  }

  private static Result resultAfter(
      SessionPhases.Next next, SessionHooks.Step hookStep, Readiness readiness) {
    if (hookStep.run() != null) {
      return Results.after(SessionHooks.WHILE_RUNNING);
    }
    if (next.phase() == SessionPhase.Running) {
      // A pod that cannot start changes nothing the Job shows: look at it again.
      return Results.after(SessionPhases.POD_RECHECK);
    }
    return next.phase() == SessionPhase.Pending
            && readiness != null
            && readiness.recheckAfter() != null
        ? Results.after(readiness.recheckAfter())
        : Results.done();
  }

  /** The owner reference of an object, for what it owns beside controllers. */
  static V1OwnerReference ownerOf(Resource<?, ?, ?> owner) {
    return new V1OwnerReference()
        .apiVersion(owner.getApiVersion())
        .kind(owner.getKind())
        .name(owner.getMetadata().getName())
        .uid(owner.getMetadata().getUid());
  }
}
