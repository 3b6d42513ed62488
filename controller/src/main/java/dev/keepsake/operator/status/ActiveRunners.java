package dev.keepsake.operator.status;

import dev.keepsake.desired.RunnerPeers;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1JobStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Which Jobs on a repository may still have a runner holding a restic lock, for what a new Job's
 * runner is told (it removes the locks of the others, once they have ended).
 */
public final class ActiveRunners {
  /**
   * Before Kubernetes 1.31 a Job past its deadline is marked Failed while its pod still has its
   * grace period (30 s by default) to stop in: a Job counts as ended only this long after.
   */
  public static final Duration SETTLING = Duration.ofMinutes(2);

  private ActiveRunners() {}

  /**
   * What the runner of Job {@code namespace/name}, made at {@code now}, is told about {@code
   * jobsOnRepository} (every cached Job that uses its repository, in any namespace).
   */
  public static RunnerPeers at(
      Instant now, List<V1Job> jobsOnRepository, String namespace, String name) {
    return new RunnerPeers(
        now,
        jobsOnRepository.stream()
            .filter(job -> !isJob(job, namespace, name))
            .filter(job -> !ended(job, now))
            .map(job -> job.getMetadata().getName())
            .toList());
  }

  /** Ended for good: marked Complete or Failed a while ago, and no pod of it still running. */
  static boolean ended(V1Job job, Instant now) {
    V1JobStatus status = job.getStatus();
    if (status == null || positive(status.getActive()) || positive(status.getTerminating())) {
      return false;
    }
    return CheckResults.ended(job)
        .map(CheckResults.Ended::at)
        .filter(Objects::nonNull)
        .map(at -> !at.toInstant().plus(SETTLING).isAfter(now))
        .orElse(false);
  }

  private static boolean isJob(V1Job job, String namespace, String name) {
    return name.equals(job.getMetadata().getName())
        && namespace.equals(job.getMetadata().getNamespace());
  }

  private static boolean positive(Integer count) {
    return count != null && count > 0;
  }
}
