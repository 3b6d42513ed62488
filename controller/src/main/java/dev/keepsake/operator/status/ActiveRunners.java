package dev.keepsake.operator.status;

import dev.keepsake.desired.RunnerPeers;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1JobStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which Jobs on a repository may still have a runner holding a restic lock, and which have ended
 * with no runner left, for what a new Job's runner is told (it removes the locks of the ended).
 */
public final class ActiveRunners {
  /**
   * Before Kubernetes 1.31 a Job past its deadline is marked Failed while its pod still has its
   * grace period (30 s by default) to stop in. Where the Job's status counts terminating pods (from
   * 1.29, or 1.28 with the feature gate) a zero count says none is left; elsewhere a Job counts as
   * ended only this long after.
   */
  public static final Duration SETTLING = Duration.ofMinutes(2);

  /**
   * restic's own rule removes a lock not refreshed for 30 minutes: Jobs that ended before this are
   * not worth telling about.
   */
  static final Duration RECENTLY = Duration.ofMinutes(40);

  /** Enough for any repository's recent history; the rest fall back to the runner's own rule. */
  static final int MOST_ENDED = 100;

  private ActiveRunners() {}

  /**
   * What the runner of Job {@code namespace/name}, made at {@code now}, is told about {@code
   * jobsOnRepository} (every cached Job that uses its repository, in any namespace).
   */
  public static RunnerPeers at(
      Instant now, List<V1Job> jobsOnRepository, String namespace, String name) {
    Map<String, Instant> ended = new HashMap<>();
    List<String> active = new ArrayList<>();
    for (V1Job job : jobsOnRepository) {
      if (isJob(job, namespace, name)) {
        continue;
      }
      String jobName = job.getMetadata().getName();
      endedAt(job, now)
          .ifPresentOrElse(
              at -> {
                if (at.plus(RECENTLY).isAfter(now)) {
                  ended.merge(jobName, at, (a, b) -> a.isAfter(b) ? a : b);
                }
              },
              () -> active.add(jobName));
    }
    return new RunnerPeers(
        now,
        active,
        ended.entrySet().stream()
            .sorted(Map.Entry.<String, Instant>comparingByValue().reversed())
            .limit(MOST_ENDED)
            .map(Map.Entry::getKey)
            .toList());
  }

  /** When the Job ended for good: marked Complete or Failed, and no pod of it still running. */
  static Optional<Instant> endedAt(V1Job job, Instant now) {
    V1JobStatus status = job.getStatus();
    if (status == null || positive(status.getActive()) || positive(status.getTerminating())) {
      return Optional.empty();
    }
    boolean terminatingCounted = status.getTerminating() != null;
    return CheckResults.ended(job)
        .map(CheckResults.Ended::at)
        .map(OffsetDateTime::toInstant)
        .filter(at -> terminatingCounted || !at.plus(SETTLING).isAfter(now));
  }

  private static boolean isJob(V1Job job, String namespace, String name) {
    return name.equals(job.getMetadata().getName())
        && namespace.equals(job.getMetadata().getNamespace());
  }

  private static boolean positive(Integer count) {
    return count != null && count > 0;
  }
}
