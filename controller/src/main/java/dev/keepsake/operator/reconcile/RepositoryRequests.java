package dev.keepsake.operator.reconcile;

import dev.keepsake.api.OperationRequest;
import dev.keepsake.api.Repository;
import dev.keepsake.api.RepositoryOperation;
import dev.keepsake.api.RepositoryStatus;
import dev.keepsake.api.SessionPhase;
import dev.keepsake.desired.Names;
import dev.keepsake.desired.OperatorSettings;
import dev.keepsake.desired.RepositoryJobs;
import dev.keepsake.operator.kube.Cluster;
import dev.keepsake.operator.kube.KubeWrites;
import dev.keepsake.operator.status.ActiveRunners;
import dev.keepsake.operator.status.CheckResults;
import dev.keepsake.operator.status.RepositoryOperations;
import dev.keepsake.operator.status.SessionPhases;
import dev.keepsake.resolve.ResolutionException;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Job;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * The one-off request in a Repository's annotation keepsake.dev/request (a check, or the removal of
 * locks): its Job, created once per request id, and its outcome in status.lastOperation with
 * Events. One runs at a time: a request that arrives while another runs waits for it to end, and a
 * running one is followed to its end whatever the annotation says meanwhile.
 */
final class RepositoryRequests {
  /** While a request's Job runs: how often to look at its pod, which no watch reports. */
  static final Duration RUNNING_RECHECK = Duration.ofSeconds(5);

  static final String JOB_REFUSED = "JobRefused";

  private final Cluster cluster;
  private final KubeWrites writes;
  private final OperatorSettings settings;

  RepositoryRequests(Cluster cluster, KubeWrites writes, OperatorSettings settings) {
    this.cluster = cluster;
    this.writes = writes;
    this.settings = settings;
  }

  /** The status with the requests' progress; {@link #running} tells whether to look again soon. */
  RepositoryStatus apply(Repository repository, RepositoryStatus status) throws ApiException {
    RepositoryOperation last = status.getLastOperation();
    if (last != null && last.getPhase() == SessionPhase.Running) {
      return follow(repository, status, last);
    }
    if (repository.getMetadata().getDeletionTimestamp() != null) {
      return status;
    }
    Optional<OperationRequest> asked;
    try {
      asked = OperationRequest.of(repository.getMetadata().getAnnotations());
    } catch (OperationRequest.Invalid invalid) {
      return refuse(repository, status, invalid);
    }
    if (asked.isEmpty() || RepositoryOperations.finished(last, asked.get().getId())) {
      return status;
    }
    String jobName =
        Names.operationJob(
            asked.get().getOperation(), repository.getMetadata().getName(), asked.get().getId());
    V1Job job = cluster.job(repository.getMetadata().getNamespace(), jobName);
    if (job != null) {
      // Created by a reconcile whose status write was lost: take it up from the Job.
      OffsetDateTime created = job.getMetadata().getCreationTimestamp();
      return follow(
          repository,
          status,
          RepositoryOperations.started(
              asked.get(), jobName, created == null ? OffsetDateTime.now() : created));
    }
    return start(repository, status, asked.get(), jobName);
  }

  /** Creates a Job of the Repository's own, with the namespace's shared account it runs as. */
  void createJob(V1Job job) throws ApiException {
    String namespace = job.getMetadata().getNamespace();
    writes
        .identities()
        .ensureShared(namespace, cluster.namespaceUid(namespace), settings.jobServiceAccount());
    writes.jobs().create(job);
  }

  static boolean running(RepositoryStatus status) {
    return status.getLastOperation() != null
        && status.getLastOperation().getPhase() == SessionPhase.Running;
  }

  private RepositoryStatus follow(
      Repository repository, RepositoryStatus status, RepositoryOperation running)
      throws ApiException {
    String namespace = repository.getMetadata().getNamespace();
    String jobName = running.getJobName();
    V1Job job = cluster.job(namespace, jobName);
    if (job == null) {
      return writes.jobs().gone(namespace, jobName)
          ? end(
              repository,
              status,
              running,
              false,
              "JobDeleted",
              "Job " + jobName + " was deleted before it ended")
          : status.lastOperation(running);
    }
    Optional<CheckResults.Ended> ended = CheckResults.ended(job);
    if (ended.isEmpty()) {
      SessionPhases.Termination stuck = writes.pods().outcome(namespace, jobName, false);
      if (stuck == null) {
        stuck = SessionPhases.stoppedBecause(job);
      }
      if (stuck == null) {
        return status.lastOperation(running);
      }
      writes
          .jobs()
          .stop(namespace, jobName, new SessionPhases.Termination(stuck.reason(), stuck.message()));
      return end(
          repository,
          status,
          running,
          false,
          stuck.reason(),
          "Job " + jobName + " cannot run: " + stuck.message());
    }
    SessionPhases.Termination termination = writes.pods().termination(namespace, jobName);
    boolean succeeded = ended.get().passed();
    String message =
        termination != null && termination.message() != null
            ? termination.message()
            : succeeded
                ? "Job " + jobName + " completed"
                : "Job " + jobName + " failed without a message";
    String reason =
        succeeded
            ? "Completed"
            : termination != null && termination.reason() != null
                ? termination.reason()
                : "JobFailed";
    return end(repository, status, running, succeeded, reason, message);
  }

  /** A request that cannot be read is told once, with the id when that much could be read. */
  private RepositoryStatus refuse(
      Repository repository, RepositoryStatus status, OperationRequest.Invalid invalid) {
    String id = invalid.id() == null ? "" : invalid.id();
    RepositoryOperation last = status.getLastOperation();
    if (last != null
        && id.equals(last.getId())
        && RepositoryOperations.INVALID_REQUEST.equals(last.getReason())
        && invalid.getMessage().equals(last.getMessage())) {
      return status;
    }
    writes
        .events()
        .record(repository, true, RepositoryOperations.INVALID_REQUEST, invalid.getMessage());
    return status.lastOperation(
        RepositoryOperations.refused(
            id,
            null,
            RepositoryOperations.INVALID_REQUEST,
            invalid.getMessage(),
            OffsetDateTime.now()));
  }

  private RepositoryStatus start(
      Repository repository, RepositoryStatus status, OperationRequest request, String jobName)
      throws ApiException {
    V1Job job;
    try {
      settings.jobPolicy().checkRepository(repository);
      job =
          RepositoryJobs.operation(
              repository,
              request,
              settings,
              ActiveRunners.at(
                  Instant.now(),
                  cluster.jobsUsing(repository),
                  repository.getMetadata().getNamespace(),
                  jobName));
    } catch (ResolutionException refused) {
      writes
          .events()
          .record(
              repository,
              true,
              refused.reason(),
              request.getOperation() + " " + request.getId() + ": " + refused.getMessage());
      return status.lastOperation(
          RepositoryOperations.refused(
              request.getId(),
              request.getOperation(),
              refused.reason(),
              refused.getMessage(),
              OffsetDateTime.now()));
    }
    try {
      createJob(job);
    } catch (ApiException e) {
      // A quota or an admission policy: asking again with a new id, once it has room, is the cure.
      String refusal = Refusals.of(e).orElseThrow(() -> e);
      String message =
          "the API server refused Job " + jobName + " or the account it runs as: " + refusal;
      writes
          .events()
          .record(
              repository,
              true,
              JOB_REFUSED,
              request.getOperation() + " " + request.getId() + ": " + message);
      return status.lastOperation(
          RepositoryOperations.refused(
              request.getId(), request.getOperation(), JOB_REFUSED, message, OffsetDateTime.now()));
    }
    RepositoryOperation running =
        RepositoryOperations.started(request, jobName, OffsetDateTime.now());
    writes.events().record(repository, false, "OperationStarted", running.getMessage());
    return status.lastOperation(running);
  }

  private RepositoryStatus end(
      Repository repository,
      RepositoryStatus status,
      RepositoryOperation running,
      boolean succeeded,
      String reason,
      String message) {
    String operation = running.getOperation() == null ? "operation" : running.getOperation();
    writes
        .events()
        .record(
            repository,
            !succeeded,
            succeeded ? "OperationSucceeded" : "OperationFailed",
            operation + " " + running.getId() + ": " + message);
    return status.lastOperation(
        RepositoryOperations.ended(running, succeeded, reason, message, OffsetDateTime.now()));
  }
}
