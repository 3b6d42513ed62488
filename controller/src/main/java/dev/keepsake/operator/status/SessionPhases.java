package dev.keepsake.operator.status;

import dev.keepsake.api.SessionPhase;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1JobCondition;
import java.util.List;

/**
 * The lifecycle of a backup or restore session, decided from what was observed. Never leaves a
 * session Running once its Job is gone, and never starts a second run while one is going.
 */
public final class SessionPhases {
  /** How often a running session's pod is looked at for a container that cannot start. */
  public static final java.time.Duration POD_RECHECK = java.time.Duration.ofSeconds(10);

  /** The next state of a session, and whether its Job must be created first. */
  public record Next(SessionPhase phase, String reason, String message, boolean createJob) {
    static Next stay(SessionPhase phase) {
      return new Next(phase, null, null, false);
    }
  }

  /**
   * What the reconciler saw.
   *
   * @param readiness whether the session's inputs allow it to run; null once the Job exists
   * @param paused the configuration is paused (backups only)
   * @param runningSibling another session of the same configuration that goes first (it runs, or it
   *     is older and has not finished), or null
   * @param job the session's Job from the cache, or null
   * @param jobGone the Job is confirmed absent by a direct read, not just missing from the cache
   * @param termination once the Job finished, what the runner wrote as the pod's termination
   *     message (or that the kernel killed it for its memory limit); while the Job runs, why its
   *     pod cannot start (see {@link PodTroubles}); else null
   */
  public record Observed(
      SessionPhase phase,
      Readiness readiness,
      boolean paused,
      String runningSibling,
      V1Job job,
      boolean jobGone,
      Termination termination) {}

  /** The runner's termination message: a reason and a message. */
  public record Termination(String reason, String message) {}

  private static String deadlineExceeded(Long deadlineSeconds) {
    return deadlineSeconds != null
            && deadlineSeconds == dev.keepsake.desired.JobDeadlines.WHEN_TIMEOUT_UNSET.getSeconds()
        ? "the session did not finish within 24h and 10 minutes, its Job's deadline when"
            + " spec.timeout is unset (its pod may never have started: its events say), and was"
            + " stopped"
        : "the session did not finish within its timeout ("
            + deadlineSeconds
            + " s, spec.timeout) and was stopped";
  }

  /**
   * Why the operator stopped a Job, on the Job itself, written with the stop: should the operator
   * die before the session's status says it, the next one reads it there (the stopped Job's pod is
   * gone, and a suspended Job never ends).
   */
  public static final String STOPPED_REASON = "keepsake.dev/stopped-reason";

  public static final String STOPPED_MESSAGE = "keepsake.dev/stopped-message";

  /**
   * Why the operator stopped a Job, or null when it did not. A Job suspended by someone else (a
   * queue that admits Jobs later, a user) is waiting, not stopped.
   */
  public static Termination stoppedBecause(V1Job job) {
    if (job == null
        || job.getSpec() == null
        || !Boolean.TRUE.equals(job.getSpec().getSuspend())
        || isFinished(job)
        || job.getMetadata() == null
        || job.getMetadata().getAnnotations() == null
        || !job.getMetadata().getAnnotations().containsKey(STOPPED_REASON)) {
      return null;
    }
    java.util.Map<String, String> annotations = job.getMetadata().getAnnotations();
    return new Termination(
        annotations.get(STOPPED_REASON),
        annotations.getOrDefault(STOPPED_MESSAGE, "the operator stopped the Job"));
  }

  private SessionPhases() {}

  public static Next next(Observed seen) {
    SessionPhase phase = seen.phase() == null ? SessionPhase.Pending : seen.phase();
    if (phase.isFinished()) {
      return Next.stay(phase);
    }
    if (seen.job() != null) {
      return followJob(seen);
    }
    if (phase == SessionPhase.Running) {
      return seen.jobGone()
          ? new Next(
              SessionPhase.Failed,
              "JobLost",
              "the session's Job was deleted before it finished",
              false)
          : Next.stay(SessionPhase.Running);
    }
    if (seen.paused()) {
      return new Next(
          SessionPhase.Skipped, "ConfigurationPaused", "the BackupConfiguration is paused", false);
    }
    if (seen.runningSibling() != null) {
      return new Next(
          SessionPhase.Skipped,
          "AnotherSessionRunning",
          "session "
              + seen.runningSibling()
              + " of the same configuration is running or waiting to run",
          false);
    }
    Readiness readiness = seen.readiness();
    if (readiness != null && !readiness.ready()) {
      return readiness.recheckAfter() != null
          ? new Next(
              SessionPhase.Pending,
              readiness.reason(),
              readiness.message() + "; waiting for it",
              false)
          : new Next(SessionPhase.Failed, readiness.reason(), readiness.message(), false);
    }
    return new Next(SessionPhase.Running, "JobCreated", "the Job was created", true);
  }

  private static Next followJob(Observed seen) {
    V1Job job = seen.job();
    if (hasCondition(job, "Complete")) {
      String message =
          seen.termination() != null ? seen.termination().message() : "the Job completed";
      return new Next(SessionPhase.Succeeded, "Completed", message, false);
    }
    V1JobCondition failed = condition(job, "Failed");
    if (failed != null) {
      if ("DeadlineExceeded".equals(failed.getReason())) {
        return new Next(
            SessionPhase.Failed,
            "DeadlineExceeded",
            deadlineExceeded(job.getSpec().getActiveDeadlineSeconds()),
            false);
      }
      if (seen.termination() != null && seen.termination().reason() != null) {
        return new Next(
            SessionPhase.Failed, seen.termination().reason(), seen.termination().message(), false);
      }
      if ("BackoffLimitExceeded".equals(failed.getReason())) {
        return new Next(
            SessionPhase.Failed,
            "PodLost",
            "the Job's pod ended before its runner could report (it was"
                + " deleted, evicted or its node failed), so its work did not finish: a backup cut off before restic's last"
                + " step writes no snapshot, a restore may have written part of its data",
            false);
      }
      return new Next(
          SessionPhase.Failed,
          failed.getReason() == null ? "JobFailed" : failed.getReason(),
          failed.getMessage() == null ? "the Job failed" : failed.getMessage(),
          false);
    }
    Termination why =
        seen.termination() != null && seen.termination().reason() != null
            ? seen.termination()
            : stoppedBecause(job);
    if (why != null) {
      return new Next(SessionPhase.Failed, why.reason(), why.message(), false);
    }
    return seen.phase() == SessionPhase.Running
        ? Next.stay(SessionPhase.Running)
        : new Next(SessionPhase.Running, "JobCreated", "the Job was created", false);
  }

  public static boolean isFinished(V1Job job) {
    return job != null && (hasCondition(job, "Complete") || hasCondition(job, "Failed"));
  }

  public static boolean succeeded(V1Job job) {
    return job != null && hasCondition(job, "Complete");
  }

  private static boolean hasCondition(V1Job job, String type) {
    return condition(job, type) != null;
  }

  private static V1JobCondition condition(V1Job job, String type) {
    List<V1JobCondition> conditions =
        job.getStatus() == null ? null : job.getStatus().getConditions();
    return conditions == null
        ? null
        : conditions.stream()
            .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
            .findFirst()
            .orElse(null);
  }
}
