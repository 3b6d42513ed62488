package dev.keepsake.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keepsake.desired.RunnerPeers;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1JobCondition;
import io.kubernetes.client.openapi.models.V1JobStatus;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which Jobs on a repository a new Job's runner is told are still running. */
class ActiveRunnersTest {
  private static final Instant NOW = Instant.parse("2026-03-01T02:00:00Z");

  private static V1Job running(String namespace, String name) {
    return new V1Job()
        .metadata(new V1ObjectMeta().namespace(namespace).name(name))
        .status(new V1JobStatus().active(1));
  }

  private static V1Job ended(String name, String type, Duration ago) {
    OffsetDateTime at = OffsetDateTime.ofInstant(NOW.minus(ago), ZoneOffset.UTC);
    return new V1Job()
        .metadata(new V1ObjectMeta().namespace("shop").name(name))
        .status(
            new V1JobStatus()
                .active(0)
                .conditions(
                    List.of(
                        new V1JobCondition().type(type).status("True").lastTransitionTime(at))));
  }

  private static List<String> active(V1Job... jobs) {
    return ActiveRunners.at(NOW, List.of(jobs), "shop", "keepsake-backup-new").activeJobs();
  }

  @Test
  void runningJobsAreActiveAndJobsThatEndedAWhileAgoAreNot() {
    assertThat(
            active(
                running("shop", "keepsake-backup-hourly-2"),
                ended("keepsake-backup-hourly-1", "Complete", Duration.ofMinutes(58)),
                ended("keepsake-backup-nightly-1", "Failed", Duration.ofMinutes(3))))
        .containsExactly("keepsake-backup-hourly-2");
  }

  @Test
  void aJobThatEndedMomentsAgoMayStillHaveARunnerStopping() {
    assertThat(active(ended("keepsake-backup-nightly-1", "Failed", Duration.ofSeconds(30))))
        .containsExactly("keepsake-backup-nightly-1");
    assertThat(active(ended("keepsake-backup-nightly-1", "Failed", ActiveRunners.SETTLING)))
        .isEmpty();
  }

  @Test
  void aFinishedJobWithPodsStillActiveOrTerminatingIsActive() {
    V1Job terminating = ended("keepsake-backup-a", "Failed", Duration.ofHours(1));
    terminating.getStatus().terminating(1);
    V1Job stillActive = ended("keepsake-backup-b", "Failed", Duration.ofHours(1));
    stillActive.getStatus().active(1);

    assertThat(active(terminating, stillActive))
        .containsExactly("keepsake-backup-a", "keepsake-backup-b");
  }

  @Test
  void aJobWithoutStatusOrWithAFalseConditionIsActive() {
    V1Job fresh = new V1Job().metadata(new V1ObjectMeta().namespace("shop").name("keepsake-x"));
    V1Job notYet = ended("keepsake-y", "Failed", Duration.ofHours(1));
    notYet.getStatus().getConditions().get(0).status("False");

    assertThat(active(fresh, notYet)).containsExactly("keepsake-x", "keepsake-y");
  }

  private static List<String> ended(V1Job... jobs) {
    return ActiveRunners.at(NOW, List.of(jobs), "shop", "keepsake-backup-new").endedJobs();
  }

  @Test
  void jobsThatEndedWithNoPodLeftAreToldAsEndedNewestFirstAndOldOnesNot() {
    V1Job counted = ended("keepsake-backup-killed", "Failed", Duration.ofSeconds(5));
    counted.getStatus().terminating(0);
    V1Job uncounted = ended("keepsake-backup-moments", "Failed", Duration.ofSeconds(5));
    V1Job settled = ended("keepsake-backup-hourly-1", "Complete", Duration.ofMinutes(20));
    V1Job old = ended("keepsake-backup-hourly-0", "Complete", Duration.ofMinutes(80));

    assertThat(ended(old, settled, uncounted, counted))
        .as(
            "a Job whose status counts no terminating pod has ended at once; without the count, after settling")
        .containsExactly("keepsake-backup-hourly-1", "keepsake-backup-killed");
    assertThat(active(old, settled, uncounted, counted)).containsExactly("keepsake-backup-moments");
  }

  @Test
  void aNameRunningInAnotherNamespaceIsNeverToldAsEnded() {
    V1Job endedHere = ended("keepsake-backup-same", "Failed", Duration.ofMinutes(5));
    V1Job runningThere = running("blog", "keepsake-backup-same");

    assertThat(ended(endedHere, runningThere)).isEmpty();
    assertThat(active(endedHere, runningThere)).containsExactly("keepsake-backup-same");
  }

  @Test
  void jobsOfOtherNamespacesCountAndTheNewJobItselfDoesNot() {
    RunnerPeers peers =
        ActiveRunners.at(
            NOW,
            List.of(
                running("shop", "keepsake-backup-new"),
                running("blog", "keepsake-backup-new"),
                running("blog", "keepsake-backup-posts-7")),
            "shop",
            "keepsake-backup-new");

    assertThat(peers.jobCreated()).isEqualTo(NOW);
    assertThat(peers.activeJobs())
        .containsExactly("keepsake-backup-new", "keepsake-backup-posts-7");
  }
}
