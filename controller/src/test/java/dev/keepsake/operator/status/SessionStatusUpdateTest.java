package dev.keepsake.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keepsake.api.BackupSessionStatus;
import dev.keepsake.api.SessionPhase;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

class SessionStatusUpdateTest {
  private static final OffsetDateTime START = OffsetDateTime.parse("2026-12-06T03:00:00Z");

  @Test
  void aSessionGetsItsJobAndStartWhenRunningAndItsEndAndDurationOnce() {
    BackupSessionStatus status = new BackupSessionStatus();

    boolean started =
        SessionStatusUpdate.apply(
            status,
            new SessionPhases.Next(SessionPhase.Running, "JobCreated", "created", true),
            "keepsake-backup-s1",
            1L,
            START);
    boolean ended =
        SessionStatusUpdate.apply(
            status,
            new SessionPhases.Next(SessionPhase.Succeeded, "Completed", "done", false),
            "keepsake-backup-s1",
            1L,
            START.plusSeconds(95));
    boolean again =
        SessionStatusUpdate.apply(
            status,
            new SessionPhases.Next(SessionPhase.Succeeded, "Completed", "done", false),
            "keepsake-backup-s1",
            1L,
            START.plusSeconds(300));

    assertThat(started).isTrue();
    assertThat(ended).isTrue();
    assertThat(again).as("no move, no Event").isFalse();
    assertThat(status.getJobName()).isEqualTo("keepsake-backup-s1");
    assertThat(status.getStartTime()).isEqualTo(START);
    assertThat(status.getCompletionTime()).isEqualTo(START.plusSeconds(95));
    assertThat(status.getDuration()).isEqualTo("1m35s");
    assertThat(Conditions.find(status.getConditions(), SessionStatusUpdate.COMPLETED))
        .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));
  }

  @Test
  void aSessionRunningItsPreHooksHasNoJobYet() {
    BackupSessionStatus status = new BackupSessionStatus();

    SessionStatusUpdate.apply(
        status,
        new SessionPhases.Next(
            SessionPhase.Running, HookSequence.HOOK_RUNNING, "pre hook runs", false),
        "keepsake-backup-s1",
        1L,
        START);

    assertThat(status.getJobName()).isNull();
    assertThat(status.getStartTime()).isEqualTo(START);
  }
}
