package dev.keepsake.desired;

import io.kubernetes.client.openapi.models.V1EnvVar;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * What a runner is told about the other Keepsake Jobs on its repository when its Job is made: when
 * that was, and which of them had not finished. With it the runner can remove the restic locks of
 * runners that have ended (restic itself keeps another pod's lock for 30 minutes).
 *
 * @param jobCreated when the operator makes the Job
 * @param activeJobs the names of the other Jobs using the same repository that had not finished
 */
public record RunnerPeers(Instant jobCreated, List<String> activeJobs) {
  static final String JOB_CREATED_ENV = "KEEPSAKE_JOB_CREATED";
  static final String ACTIVE_RUNNERS_ENV = "KEEPSAKE_ACTIVE_RUNNERS";

  public RunnerPeers {
    // Cut to whole seconds, downwards: an earlier creation time only makes the runner keep more.
    jobCreated = jobCreated.truncatedTo(ChronoUnit.SECONDS);
    activeJobs = activeJobs.stream().sorted().distinct().toList();
  }

  /** The runner's variables; an empty list of active Jobs is still said, as "none". */
  List<V1EnvVar> environment() {
    return List.of(
        SessionJob.env(JOB_CREATED_ENV, jobCreated.toString()),
        SessionJob.env(ACTIVE_RUNNERS_ENV, String.join(",", activeJobs)));
  }
}
