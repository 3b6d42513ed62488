package dev.keepsake.operator.status;

import dev.keepsake.api.OperationRequest;
import dev.keepsake.api.RepositoryOperation;
import dev.keepsake.api.SessionPhase;
import java.time.OffsetDateTime;

/** status.lastOperation of a Repository: a one-off request's progress from asked to ended. */
public final class RepositoryOperations {
  public static final String INVALID_REQUEST = "InvalidRequest";

  private RepositoryOperations() {}

  /**
   * True when {@code last} already tells the end of the request with this id: nothing more to do
   * for it.
   */
  public static boolean finished(RepositoryOperation last, String id) {
    return last != null
        && id.equals(last.getId())
        && last.getPhase() != null
        && last.getPhase().isFinished();
  }

  public static RepositoryOperation refused(
      String id, String operation, String reason, String message, OffsetDateTime now) {
    return new RepositoryOperation()
        .id(id)
        .operation(operation)
        .phase(SessionPhase.Failed)
        .reason(reason)
        .message(message)
        .completionTime(now);
  }

  public static RepositoryOperation started(
      OperationRequest request, String jobName, OffsetDateTime now) {
    return new RepositoryOperation()
        .id(request.getId())
        .operation(request.getOperation())
        .jobName(jobName)
        .phase(SessionPhase.Running)
        .reason("JobCreated")
        .message("Job " + jobName + " runs " + describe(request))
        .startTime(now);
  }

  public static RepositoryOperation ended(
      RepositoryOperation running,
      boolean succeeded,
      String reason,
      String message,
      OffsetDateTime at) {
    return new RepositoryOperation()
        .id(running.getId())
        .operation(running.getOperation())
        .jobName(running.getJobName())
        .phase(succeeded ? SessionPhase.Succeeded : SessionPhase.Failed)
        .reason(reason)
        .message(message)
        .startTime(running.getStartTime())
        .completionTime(at);
  }

  /** What a request does, in words. */
  public static String describe(OperationRequest request) {
    if (OperationRequest.CHECK.equals(request.getOperation())) {
      return "restic check"
          + (request.getReadDataSubset() == null
              ? ""
              : ", reading data subset " + request.getReadDataSubset());
    }
    return Boolean.TRUE.equals(request.getRemoveAll())
        ? "restic unlock --remove-all (every lock, also live ones)"
        : "restic unlock (stale locks only)";
  }
}
