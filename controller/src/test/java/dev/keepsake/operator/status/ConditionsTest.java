package dev.keepsake.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.models.V1Condition;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionsTest {
  private static final OffsetDateTime T1 = OffsetDateTime.parse("2026-11-22T10:00:00Z");
  private static final OffsetDateTime T2 = OffsetDateTime.parse("2026-11-22T11:00:00Z");

  @Test
  void theTransitionTimeMovesOnlyWhenTheStatusFlips() {
    List<V1Condition> first =
        Conditions.set(null, "Ready", false, "RepositoryNotFound", "missing", 1L, T1);
    List<V1Condition> sameStatus =
        Conditions.set(first, "Ready", false, "TaskNotFound", "missing task", 2L, T2);
    List<V1Condition> flipped =
        Conditions.set(sameStatus, "Ready", true, "Scheduled", "ok", 2L, T2);

    assertThat(sameStatus.get(0).getLastTransitionTime()).isEqualTo(T1);
    assertThat(sameStatus.get(0).getReason()).isEqualTo("TaskNotFound");
    assertThat(sameStatus.get(0).getObservedGeneration()).isEqualTo(2L);
    assertThat(flipped)
        .singleElement()
        .satisfies(c -> assertThat(c.getLastTransitionTime()).isEqualTo(T2));
  }
}
