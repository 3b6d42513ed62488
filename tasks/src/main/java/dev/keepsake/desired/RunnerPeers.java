package dev.keepsake.desired;

import io.kubernetes.client.openapi.models.V1EnvVar;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * What a runner is told about the other Keepsake Jobs on its repository when its Job is made: when
 * that was, which of them had not finished, and which had ended with no pod of theirs left running.
 * With it the runner can remove the restic locks of runners that have ended (restic itself keeps
 * another pod's lock for 30 minutes).
 *
 * @param jobCreated when the operator makes the Job
 * @param activeJobs the names of the other Jobs using the same repository that had not finished
 * @param endedJobs the names of Jobs using the same repository that had ended recently, none of
 *     whose pods was still running (their runners' locks are dead for certain)
 */
public record RunnerPeers(Instant jobCreated, List<String> activeJobs, List<String> endedJobs) {
  static final String JOB_CREATED_ENV = "KEEPSAKE_JOB_CREATED";
  static final String ACTIVE_RUNNERS_ENV = "KEEPSAKE_ACTIVE_RUNNERS";
  static final String ENDED_RUNNERS_ENV = "KEEPSAKE_ENDED_RUNNERS";

  public RunnerPeers {
    // Cut to whole seconds, downwards: an earlier creation time only makes the runner keep more.
    jobCreated = jobCreated.truncatedTo(ChronoUnit.SECONDS);
    List<String> running = activeJobs.stream().sorted().distinct().toList();
    activeJobs = running;
    endedJobs =
        endedJobs.stream().filter(job -> !running.contains(job)).sorted().distinct().toList();
  }

  public RunnerPeers(Instant jobCreated, List<String> activeJobs) {
    this(jobCreated, activeJobs, List.of());
  }

  /**
   * More Jobs than a variable may name: Linux refuses to start a program with one value over 128
   * KiB (Job names take up to 64 bytes each here).
   */
  static final int MOST_ACTIVE = 1000;

  /**
   * The runner's variables; an empty list of Jobs is still said, as "none". When too many Jobs run
   * to name them all, none is said: a list cut short would make a live runner's lock look like an
   * ended one's, and without the variables the runner keeps to restic's own rule.
   */
  List<V1EnvVar> environment() {
    if (activeJobs.size() > MOST_ACTIVE) {
      return List.of();
    }
    return List.of(
        SessionJob.env(JOB_CREATED_ENV, jobCreated.toString()),
        SessionJob.env(ACTIVE_RUNNERS_ENV, String.join(",", activeJobs)),
        SessionJob.env(ENDED_RUNNERS_ENV, String.join(",", endedJobs)));
  }
}
