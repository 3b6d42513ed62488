package dev.keepsake.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keepsake.api.SessionPhase;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1JobCondition;
import io.kubernetes.client.openapi.models.V1JobSpec;
import io.kubernetes.client.openapi.models.V1JobStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionPhasesTest {
  private static final Readiness READY = Readiness.ready("Scheduled", "ok");

  private static SessionPhases.Observed seen(
      SessionPhase phase,
      Readiness readiness,
      boolean paused,
      String sibling,
      V1Job job,
      boolean gone,
      SessionPhases.Termination termination) {
    return new SessionPhases.Observed(phase, readiness, paused, sibling, job, gone, termination);
  }

  private static V1Job job(String type, String reason) {
    V1Job job =
        new V1Job().spec(new V1JobSpec().activeDeadlineSeconds(1800L)).status(new V1JobStatus());
    if (type != null) {
      job.getStatus()
          .conditions(List.of(new V1JobCondition().type(type).status("True").reason(reason)));
    }
    return job;
  }

  @Test
  void aNewSessionStartsItsJob() {
    SessionPhases.Next next = SessionPhases.next(seen(null, READY, false, null, null, false, null));

    assertThat(next.phase()).isEqualTo(SessionPhase.Running);
    assertThat(next.createJob()).isTrue();
  }

  @Test
  void pausedAndOverlappingSessionsAreSkippedWithAReason() {
    assertThat(SessionPhases.next(seen(null, READY, true, null, null, false, null)).reason())
        .isEqualTo("ConfigurationPaused");
    SessionPhases.Next overlap =
        SessionPhases.next(seen(null, READY, false, "nightly-1", null, false, null));
    assertThat(overlap.phase()).isEqualTo(SessionPhase.Skipped);
    assertThat(overlap.message()).contains("nightly-1");
    assertThat(overlap.createJob()).isFalse();
  }

  @Test
  void missingInputsWaitButInvalidOnesFail() {
    SessionPhases.Next waiting =
        SessionPhases.next(
            seen(
                null,
                Readiness.missing("RepositoryNotFound", "no repo"),
                false,
                null,
                null,
                false,
                null));
    SessionPhases.Next failed =
        SessionPhases.next(
            seen(
                null,
                Readiness.invalid("UndefinedVariable", "no ${X}"),
                false,
                null,
                null,
                false,
                null));

    assertThat(waiting.phase()).isEqualTo(SessionPhase.Pending);
    assertThat(failed.phase()).isEqualTo(SessionPhase.Failed);
    assertThat(failed.reason()).isEqualTo("UndefinedVariable");
  }

  @Test
  void theJobDecidesTheOutcomeWithTheRunnersOwnWords() {
    var termination =
        new SessionPhases.Termination("DumpFailed", "the dump command exited with code 1");

    assertThat(
            SessionPhases.next(
                    seen(
                        SessionPhase.Running,
                        null,
                        false,
                        null,
                        job("Complete", null),
                        false,
                        new SessionPhases.Termination("Completed", "snapshot 4f9a1c2e")))
                .message())
        .isEqualTo("snapshot 4f9a1c2e");
    assertThat(
            SessionPhases.next(
                    seen(
                        SessionPhase.Running,
                        null,
                        false,
                        null,
                        job("Failed", "BackoffLimitExceeded"),
                        false,
                        termination))
                .reason())
        .isEqualTo("DumpFailed");
    assertThat(
            SessionPhases.next(
                    seen(
                        SessionPhase.Running,
                        null,
                        false,
                        null,
                        job("Failed", "DeadlineExceeded"),
                        false,
                        termination))
                .reason())
        .isEqualTo("DeadlineExceeded");
    assertThat(
            SessionPhases.next(
                    seen(SessionPhase.Running, null, false, null, job(null, null), false, null))
                .reason())
        .isNull();
  }

  @Test
  void aDeadlineSaysWhetherItWasTheTimeoutOrTheDefaultForAnUnsetOne() {
    V1Job timedOut = job("Failed", "DeadlineExceeded");
    V1Job defaulted = job("Failed", "DeadlineExceeded");
    defaulted.getSpec().activeDeadlineSeconds(24 * 3600L + 600L);

    assertThat(
            SessionPhases.next(seen(SessionPhase.Running, null, false, null, timedOut, false, null))
                .message())
        .isEqualTo(
            "the session did not finish within its timeout (1800 s, spec.timeout) and was stopped");
    assertThat(
            SessionPhases.next(
                    seen(SessionPhase.Running, null, false, null, defaulted, false, null))
                .message())
        .startsWith(
            "the session did not finish within 24h and 10 minutes, its Job's deadline when"
                + " spec.timeout is unset");
  }

  @Test
  void aRunningSessionWithoutItsJobFailsOnlyWhenTheJobIsConfirmedGone() {
    assertThat(
            SessionPhases.next(seen(SessionPhase.Running, null, false, null, null, false, null))
                .phase())
        .isEqualTo(SessionPhase.Running);
    assertThat(
            SessionPhases.next(seen(SessionPhase.Running, null, false, null, null, true, null))
                .reason())
        .isEqualTo("JobLost");
  }

  /**
   * The operator stops a Job whose pod cannot start, then writes Failed. Killed in between, the
   * next one finds the Job suspended with no pod: it reads why from the Job, not Running for ever.
   */
  @Test
  void aJobStoppedBeforeTheSessionSaidSoFailsItWithTheStoredReason() {
    V1Job stopped = job(null, null);
    stopped.getSpec().suspend(true);
    stopped.metadata(
        new io.kubernetes.client.openapi.models.V1ObjectMeta()
            .putAnnotationsItem(SessionPhases.STOPPED_REASON, "ImagePullBackOff")
            .putAnnotationsItem(
                SessionPhases.STOPPED_MESSAGE, "image keepsake/nope cannot be pulled"));

    SessionPhases.Next next =
        SessionPhases.next(seen(SessionPhase.Running, null, false, null, stopped, false, null));

    assertThat(next.phase()).isEqualTo(SessionPhase.Failed);
    assertThat(next.reason()).isEqualTo("ImagePullBackOff");
    assertThat(next.message()).isEqualTo("image keepsake/nope cannot be pulled");

    V1Job suspendedByAQueue = job(null, null);
    suspendedByAQueue.getSpec().suspend(true);
    assertThat(
            SessionPhases.next(
                    seen(SessionPhase.Running, null, false, null, suspendedByAQueue, false, null))
                .phase())
        .as("a Job suspended by someone else waits")
        .isEqualTo(SessionPhase.Running);

    V1Job running = job(null, null);
    running.getSpec().suspend(false);
    assertThat(
            SessionPhases.next(seen(SessionPhase.Running, null, false, null, running, false, null))
                .phase())
        .isEqualTo(SessionPhase.Running);
    V1Job finishedThenSuspended = job("Complete", null);
    finishedThenSuspended.getSpec().suspend(true);
    assertThat(
            SessionPhases.next(
                    seen(
                        SessionPhase.Running,
                        null,
                        false,
                        null,
                        finishedThenSuspended,
                        false,
                        null))
                .phase())
        .isEqualTo(SessionPhase.Succeeded);
  }

  @Test
  void aFinishedSessionNeverMoves() {
    assertThat(
            SessionPhases.next(seen(SessionPhase.Succeeded, null, true, "x", null, true, null))
                .reason())
        .isNull();
  }
}
