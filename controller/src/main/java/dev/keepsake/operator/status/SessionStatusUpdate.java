package dev.keepsake.operator.status;

import dev.keepsake.api.Durations;
import dev.keepsake.api.SessionPhase;
import dev.keepsake.api.SessionStatus;
import java.time.Duration;
import java.time.OffsetDateTime;

/** Applies a session's next phase to its status: times, duration, the Completed condition. */
public final class SessionStatusUpdate {
  public static final String COMPLETED = "Completed";

  private SessionStatusUpdate() {}

  /** True when the phase moved (and so an Event is due). */
  public static <S extends SessionStatus<S>> boolean apply(
      S status, SessionPhases.Next next, String jobName, Long generation, OffsetDateTime now) {
    boolean moved = status.getPhase() != next.phase();
    status.observedGeneration(generation);
    if (next.reason() == null) {
      return moved;
    }
    status.phase(next.phase()).reason(next.reason()).message(next.message());
    if (next.phase() == SessionPhase.Running) {
      if (!HookSequence.HOOK_RUNNING.equals(next.reason())) {
        // A session whose pre hooks run has no Job yet: the reconciler tells the two apart by this
        // name.
        status.jobName(jobName);
      }
      if (status.getStartTime() == null) {
        status.startTime(now);
      }
    }
    if (next.phase().isFinished() && status.getCompletionTime() == null) {
      status.completionTime(now);
      if (status.getStartTime() != null) {
        status.duration(Durations.human(Duration.between(status.getStartTime(), now)));
      }
    }
    status.conditions(
        Conditions.set(
            status.getConditions(),
            COMPLETED,
            next.phase() == SessionPhase.Succeeded,
            next.reason(),
            next.message(),
            generation,
            now));
    return moved;
  }
}
