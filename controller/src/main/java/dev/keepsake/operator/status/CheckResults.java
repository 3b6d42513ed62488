package dev.keepsake.operator.status;

import dev.keepsake.api.RepositoryStatus;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1JobCondition;
import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The last scheduled check of a Repository, from its check Jobs, as its status and an Event tell
 * it.
 */
public final class CheckResults {
  public static final String CHECKED = "Checked";
  public static final String PASSED = "Passed";
  public static final String FAILED = "Failed";

  private CheckResults() {}

  /** A check Job that ended, and when. */
  public record Ended(V1Job job, OffsetDateTime at, boolean passed) {}

  /** The newest of the check Jobs that ended, if any. */
  public static Optional<Ended> newest(List<V1Job> checks) {
    return checks.stream()
        .map(CheckResults::ended)
        .flatMap(Optional::stream)
        .max(Comparator.comparing(Ended::at));
  }

  /**
   * True when {@code ended} is newer than what the status shows: its result is still to be written.
   */
  public static boolean isNew(Ended ended, RepositoryStatus status) {
    return status.getLastCheckTime() == null || ended.at().isAfter(status.getLastCheckTime());
  }

  public static RepositoryStatus record(
      RepositoryStatus status, Ended ended, String message, Long generation) {
    String result = ended.passed() ? PASSED : FAILED;
    String text =
        message != null
            ? message
            : ended.passed()
                ? "restic check found no errors"
                : "the check Job failed without a message";
    return status
        .lastCheckTime(ended.at())
        .lastCheckResult(result)
        .lastCheckMessage(text)
        .conditions(
            Conditions.set(
                status.getConditions(),
                CHECKED,
                ended.passed(),
                ended.passed() ? "CheckPassed" : "CheckFailed",
                "Job " + ended.job().getMetadata().getName() + ": " + text,
                generation,
                ended.at()));
  }

  /** When and how {@code job} ended; empty while it runs. */
  public static Optional<Ended> ended(V1Job job) {
    List<V1JobCondition> conditions =
        job.getStatus() == null || job.getStatus().getConditions() == null
            ? List.of()
            : job.getStatus().getConditions();
    for (V1JobCondition condition : conditions) {
      if (!"True".equals(condition.getStatus())) {
        continue;
      }
      if ("Complete".equals(condition.getType()) || "Failed".equals(condition.getType())) {
        OffsetDateTime at =
            job.getStatus().getCompletionTime() != null
                ? job.getStatus().getCompletionTime()
                : condition.getLastTransitionTime() != null
                    ? condition.getLastTransitionTime()
                    : job.getMetadata().getCreationTimestamp();
        return Optional.of(new Ended(job, at, "Complete".equals(condition.getType())));
      }
    }
    return Optional.empty();
  }
}
