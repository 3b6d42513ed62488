package dev.keepsake.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keepsake.api.OperationRequest;
import dev.keepsake.api.RepositoryOperation;
import dev.keepsake.api.SessionPhase;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

class RepositoryOperationsTest {
  private static final OffsetDateTime START = OffsetDateTime.parse("2026-12-06T09:00:00Z");

  @Test
  void aRequestRunsThenEndsKeepingItsJobAndStart() {
    OperationRequest request =
        new OperationRequest().id("r1").operation("check").readDataSubset("10%");

    RepositoryOperation running =
        RepositoryOperations.started(request, "keepsake-check-backups-r1", START);
    RepositoryOperation ended =
        RepositoryOperations.ended(
            running, false, "RepositoryDamaged", "pack 1a2b is missing", START.plusMinutes(3));

    assertThat(running.getPhase()).isEqualTo(SessionPhase.Running);
    assertThat(running.getMessage())
        .isEqualTo("Job keepsake-check-backups-r1 runs restic check, reading data subset 10%");
    assertThat(RepositoryOperations.finished(running, "r1")).isFalse();
    assertThat(ended.getPhase()).isEqualTo(SessionPhase.Failed);
    assertThat(ended.getJobName()).isEqualTo("keepsake-check-backups-r1");
    assertThat(ended.getStartTime()).isEqualTo(START);
    assertThat(ended.getCompletionTime()).isEqualTo(START.plusMinutes(3));
    assertThat(RepositoryOperations.finished(ended, "r1")).isTrue();
    assertThat(RepositoryOperations.finished(ended, "r2"))
        .as("a new id is a new request")
        .isFalse();
  }

  @Test
  void unlockSaysWhetherLiveLocksGoToo() {
    assertThat(RepositoryOperations.describe(new OperationRequest().id("u").operation("unlock")))
        .isEqualTo("restic unlock (stale locks only)");
    assertThat(
            RepositoryOperations.describe(
                new OperationRequest().id("u").operation("unlock").removeAll(true)))
        .isEqualTo("restic unlock --remove-all (every lock, also live ones)");
  }
}
