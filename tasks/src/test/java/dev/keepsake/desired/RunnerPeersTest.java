package dev.keepsake.desired;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.models.V1EnvVar;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** What a runner is told about the other Jobs on its repository. */
class RunnerPeersTest {
  private static final Instant NOW = Instant.parse("2026-03-01T02:00:00.750Z");

  private static List<String> jobs(int count) {
    return IntStream.range(0, count)
        .mapToObj(i -> String.format("keepsake-backup-tenant-%05d-nightly-29012345", i))
        .toList();
  }

  @Test
  void theJobsAreNamedAndTheTimeCutToTheSecond() {
    List<V1EnvVar> environment =
        new RunnerPeers(NOW, List.of("b", "a", "a"), List.of("c", "a")).environment();

    assertThat(environment)
        .extracting(V1EnvVar::getName, V1EnvVar::getValue)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("KEEPSAKE_JOB_CREATED", "2026-03-01T02:00:00Z"),
            org.assertj.core.groups.Tuple.tuple("KEEPSAKE_ACTIVE_RUNNERS", "a,b"),
            org.assertj.core.groups.Tuple.tuple("KEEPSAKE_ENDED_RUNNERS", "c"));
  }

  @Test
  void aThousandRunningJobsStillFitInOneVariable() {
    List<V1EnvVar> environment =
        new RunnerPeers(NOW, jobs(RunnerPeers.MOST_ACTIVE), List.of()).environment();

    assertThat(environment).hasSize(3);
    assertThat(environment.get(1).getValue().length()).isLessThan(128 * 1024);
  }

  @Test
  void moreRunningJobsThanAVariableMayNameAreNotToldAtAll() {
    assertThat(new RunnerPeers(NOW, jobs(RunnerPeers.MOST_ACTIVE + 1), jobs(3)).environment())
        .isEmpty();
  }
}
