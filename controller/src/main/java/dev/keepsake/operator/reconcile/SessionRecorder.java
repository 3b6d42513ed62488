package dev.keepsake.operator.reconcile;

import dev.keepsake.api.ApiKind;
import dev.keepsake.api.Manifests;
import dev.keepsake.api.Resource;
import dev.keepsake.api.SessionPhase;
import dev.keepsake.api.SessionStatus;
import dev.keepsake.desired.JobSecrets;
import dev.keepsake.desired.SharedRepositories;
import dev.keepsake.operator.kube.JobControl;
import dev.keepsake.operator.kube.KubeWrites;
import dev.keepsake.operator.kube.SecretAccess;
import dev.keepsake.operator.kube.StatusWriter;
import dev.keepsake.operator.status.Readiness;
import dev.keepsake.operator.status.SecretReadiness;
import dev.keepsake.operator.status.SessionPhases;
import dev.keepsake.operator.status.SessionStatusUpdate;
import io.kubernetes.client.extended.controller.reconciler.Result;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Job;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes a session's next phase into its status (only when it changed) and tells of the move in an
 * Event.
 */
final class SessionRecorder {
  private static final Logger LOG = Logger.getLogger(SessionRecorder.class.getName());

  private SessionRecorder() {}

  /** False when someone else wrote the status in between; the caller then requeues. */
  static <P, S extends SessionStatus<S>, T extends Resource<P, S, T>> boolean record(
      KubeWrites writes,
      ApiKind<T, ?> kind,
      T session,
      Class<S> statusType,
      Supplier<S> empty,
      SessionPhases.Next next,
      String jobName)
      throws ApiException {
    return record(writes, kind, session, statusType, empty, next, jobName, status -> {});
  }

  /** As above, with {@code edit} applied to the status too (the hooks' results). */
  static <P, S extends SessionStatus<S>, T extends Resource<P, S, T>> boolean record(
      KubeWrites writes,
      ApiKind<T, ?> kind,
      T session,
      Class<S> statusType,
      Supplier<S> empty,
      SessionPhases.Next next,
      String jobName,
      java.util.function.Consumer<S> edit)
      throws ApiException {
    S before = session.getStatus() == null ? empty.get() : session.getStatus();
    S status = Manifests.toModel(Manifests.toJson(before), statusType);
    edit.accept(status);
    boolean moved =
        SessionStatusUpdate.apply(
            status, next, jobName, session.getMetadata().getGeneration(), OffsetDateTime.now());
    if (writes.statuses().writeIfChanged(kind, session, status) == StatusWriter.Outcome.CONFLICT) {
      return false;
    }
    if (moved) {
      writes
          .events()
          .record(session, next.phase() == SessionPhase.Failed, next.reason(), next.message());
    }
    return true;
  }

  interface JobCreation {
    void run() throws ApiException;
  }

  /**
   * The session's readiness once the Secrets its Job's pod needs are looked up: {@code readiness}
   * when all exist, else why not (see {@link SecretReadiness}).
   */
  static Readiness withSecrets(
      Readiness readiness,
      KubeWrites writes,
      V1Job job,
      Resource<?, ?, ?> session,
      dev.keepsake.api.Repository repository,
      dev.keepsake.api.AppBinding appBinding)
      throws ApiException {
    String namespace = session.getMetadata().getNamespace();
    boolean shared = repository != null && SharedRepositories.shared(repository, namespace);
    Map<String, String> required =
        new java.util.LinkedHashMap<>(
            JobSecrets.needed(
                job.getSpec().getTemplate().getSpec(), shared ? null : repository, appBinding));
    if (shared) {
      // The operator makes the copy just before the Job; what must exist is the Secret it copies.
      required.remove(SharedRepositories.copyName(repository));
      String source = repository.getMetadata().getNamespace();
      String secret = repository.getSpec().getSecret().getName();
      Readiness sourceMissing =
          SecretReadiness.assess(
              Map.of(
                  secret,
                  "spec.secret of Repository " + source + "/" + repository.getMetadata().getName()),
              writes.secrets().missing(source, java.util.Set.of(secret)),
              source,
              session.getMetadata().getCreationTimestamp(),
              Instant.now());
      if (sourceMissing != null) {
        return sourceMissing;
      }
    }
    Readiness missing =
        SecretReadiness.assess(
            required,
            writes.secrets().missing(namespace, required.keySet()),
            namespace,
            session.getMetadata().getCreationTimestamp(),
            Instant.now());
    return missing == null ? readiness : missing;
  }

  /**
   * A Job of the session's name that the session does not control: made by someone else, it is
   * never taken for the session's own, whatever it reports.
   */
  static boolean foreign(V1Job job, Resource<?, ?, ?> session) {
    var owners = job.getMetadata().getOwnerReferences();
    return owners == null
        || owners.stream()
            .noneMatch(
                owner ->
                    Boolean.TRUE.equals(owner.getController())
                        && session.getMetadata().getUid().equals(owner.getUid()));
  }

  static SessionPhases.Next foreignJob(V1Job job, Resource<?, ?, ?> session) {
    return new SessionPhases.Next(
        SessionPhase.Failed,
        "JobNotOwned",
        "Job "
            + job.getMetadata().getName()
            + " in namespace "
            + job.getMetadata().getNamespace()
            + " was not made by the operator for this session (its controller is not "
            + session.getKind()
            + " "
            + session.getMetadata().getName()
            + "); it is left alone and nothing it reports counts",
        false);
  }

  /** The Job, or null when it cannot be built: {@link #created} then fails the session with why. */
  static V1Job buildable(java.util.function.Supplier<V1Job> build) {
    try {
      return build.get();
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * Creates the session's Job. When the API server refuses it, or the Job cannot be built from the
   * session's values, the session fails with the refusal in its message: trying again cannot help.
   */
  static SessionPhases.Next created(JobCreation creation, SessionPhases.Next next, String jobName)
      throws ApiException {
    try {
      creation.run();
      return next;
    } catch (ApiException e) {
      String refusal = Refusals.of(e).orElseThrow(() -> e);
      return new SessionPhases.Next(
          SessionPhase.Failed,
          "JobRefused",
          "the API server refused Job " + jobName + " built from this session: " + refusal,
          false);
    } catch (JobControl.ForeignJobException e) {
      return new SessionPhases.Next(SessionPhase.Failed, "JobNotOwned", e.getMessage(), false);
    } catch (SecretAccess.SecretsForbiddenException e) {
      return new SessionPhases.Next(
          SessionPhase.Failed, "SharedSecretNotCopied", e.getMessage(), false);
    } catch (RuntimeException e) {
      return new SessionPhases.Next(
          SessionPhase.Failed,
          "InvalidSpec",
          "Job " + jobName + " cannot be built from this session: " + Refusals.describe(e),
          false);
    }
  }

  /**
   * What a reconcile that broke leaves behind: a session not yet running fails with the cause in
   * its status and an Event; a running one keeps its Job and gets a warning Event, and is looked at
   * again.
   */
  static <P, S extends SessionStatus<S>, T extends Resource<P, S, T>> Result broken(
      KubeWrites writes,
      ApiKind<T, ?> kind,
      T session,
      Class<S> statusType,
      Supplier<S> empty,
      String jobName,
      RuntimeException e) {
    String message = "the operator could not process this session: " + Refusals.describe(e);
    LOG.log(
        Level.WARNING,
        kind.kind()
            + " "
            + session.getMetadata().getNamespace()
            + "/"
            + session.getMetadata().getName()
            + ": "
            + message,
        e);
    SessionPhase phase = session.getStatus() == null ? null : session.getStatus().getPhase();
    if (phase == SessionPhase.Running || (phase != null && phase.isFinished())) {
      writes.events().record(session, true, "ReconcileFailed", message);
      return Results.after(Duration.ofMinutes(1));
    }
    try {
      return record(
              writes,
              kind,
              session,
              statusType,
              empty,
              new SessionPhases.Next(SessionPhase.Failed, "InvalidSpec", message, false),
              jobName)
          ? Results.done()
          : Results.conflict();
    } catch (ApiException | RuntimeException again) {
      writes.events().record(session, true, "ReconcileFailed", message);
      return Results.after(Duration.ofMinutes(1));
    }
  }
}
