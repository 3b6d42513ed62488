package dev.keepsake.operator.reconcile;

import dev.keepsake.api.ApiKind;
import dev.keepsake.api.RestoreSession;
import dev.keepsake.api.RestoreSessionSpec;
import dev.keepsake.api.RestoreSessionStatus;
import dev.keepsake.desired.Names;
import dev.keepsake.desired.OperatorSettings;
import dev.keepsake.desired.RestoreJobs;
import dev.keepsake.operator.hooks.HookRunner;
import dev.keepsake.operator.hooks.PodChoice;
import dev.keepsake.operator.kube.Cluster;
import dev.keepsake.operator.kube.KubeWrites;
import dev.keepsake.operator.status.ActiveRunners;
import dev.keepsake.operator.status.HookSequence;
import dev.keepsake.operator.status.Readiness;
import dev.keepsake.operator.status.RestoreReadiness;
import io.kubernetes.client.extended.controller.reconciler.Reconciler;
import io.kubernetes.client.extended.controller.reconciler.Request;
import io.kubernetes.client.extended.controller.reconciler.Result;
import io.kubernetes.client.openapi.ApiException;
import java.time.Instant;
import java.util.function.Supplier;

/** RestoreSession → its Job, and the session's phase from the Job. */
public final class RestoreSessionReconciler implements Reconciler {
  private final Cluster cluster;
  private final References references;
  private final KubeWrites writes;
  private final OperatorSettings settings;
  private final SessionLifecycle<RestoreSessionSpec, RestoreSessionStatus, RestoreSession>
      lifecycle;

  public RestoreSessionReconciler(
      Cluster cluster, KubeWrites writes, OperatorSettings settings, HookRunner hooks) {
    this.cluster = cluster;
    this.references = new References(cluster);
    this.writes = writes;
    this.settings = settings;
    this.lifecycle = new SessionLifecycle<>(cluster, writes, hooks, new Restores());
  }

  @Override
  public Result reconcile(Request request) {
    RestoreSession session = cluster.restoreSession(request.getNamespace(), request.getName());
    if (session == null
        || (session.getStatus() != null
            && session.getStatus().getPhase() != null
            && session.getStatus().getPhase().isFinished())) {
      return Results.done();
    }
    try {
      return lifecycle.reconcile(session).result();
    } catch (ApiException e) {
      return Results.failed("RestoreSession " + request, e);
    } catch (RuntimeException e) {
      return SessionRecorder.broken(
          writes,
          ApiKind.RESTORE_SESSION,
          session,
          RestoreSessionStatus.class,
          RestoreSessionStatus::new,
          Names.restoreJob(request.getName()),
          e);
    }
  }

  /**
   * What restore sessions bring to the path all sessions take: their own spec, and nothing to wait
   * for but inputs.
   */
  private final class Restores
      implements SessionLifecycle.Kind<RestoreSessionSpec, RestoreSessionStatus, RestoreSession> {
    @Override
    public ApiKind<RestoreSession, ?> api() {
      return ApiKind.RESTORE_SESSION;
    }

    @Override
    public Class<RestoreSessionStatus> statusType() {
      return RestoreSessionStatus.class;
    }

    @Override
    public Supplier<RestoreSessionStatus> emptyStatus() {
      return RestoreSessionStatus::new;
    }

    @Override
    public String jobName(RestoreSession session) {
      return Names.restoreJob(session.getMetadata().getName());
    }

    @Override
    public SessionLifecycle.Inputs inputs(RestoreSession session) {
      String namespace = session.getMetadata().getNamespace();
      var spec = session.getSpec();
      RestoreJobs.Inputs inputs =
          new RestoreJobs.Inputs(
              session,
              references.repository(namespace, spec.getRepository()),
              references.appBinding(namespace, spec.getTarget()),
              references.task(namespace, spec.getTask().getName()),
              references.functions(namespace),
              settings);
      Readiness readiness =
          references.explained(
              RestoreReadiness.assess(
                  session,
                  inputs.repository(),
                  references.namespaceLabels(namespace),
                  inputs.task(),
                  inputs.functions(),
                  inputs.appBinding(),
                  settings),
              namespace,
              spec.getRepository(),
              spec.getTask().getName(),
              spec.getTarget());
      return new SessionLifecycle.Inputs(
          readiness,
          false,
          null,
          () ->
              RestoreJobs.forSession(
                  inputs,
                  ActiveRunners.at(
                      Instant.now(),
                      cluster.jobsUsing(inputs.repository()),
                      namespace,
                      jobName(session))),
          inputs.repository(),
          inputs.appBinding(),
          spec.getRuntimeSettings(),
          SessionLifecycle.ownerOf(session));
    }

    @Override
    public HookSequence.Plan hooks(RestoreSession session) {
      var spec = session.getSpec();
      return new HookSequence.Plan(
          "restore",
          HookSequence.Stage.PreRestore,
          spec.getHooks() == null ? null : spec.getHooks().getPreRestore(),
          HookSequence.Stage.PostRestore,
          spec.getHooks() == null ? null : spec.getHooks().getPostRestore());
    }

    @Override
    public SessionHooks.Facts facts(RestoreSession session) {
      var spec = session.getSpec();
      var ref = spec.getTarget().getRef();
      return new SessionHooks.Facts(
          "RestoreSession",
          null,
          ref.getKind(),
          ref.getName(),
          spec.getRepository().getName(),
          PodChoice.forTarget(
              session.getMetadata().getNamespace(),
              ref,
              references.appBinding(session.getMetadata().getNamespace(), spec.getTarget())));
    }
  }
}
