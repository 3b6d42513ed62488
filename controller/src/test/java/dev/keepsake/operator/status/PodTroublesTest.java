package dev.keepsake.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keepsake.api.SessionPhase;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerState;
import io.kubernetes.client.openapi.models.V1ContainerStateTerminated;
import io.kubernetes.client.openapi.models.V1ContainerStateWaiting;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1JobStatus;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodStatus;
import io.kubernetes.client.openapi.models.V1ResourceRequirements;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodTroublesTest {
  private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");

  private static V1Pod waiting(String reason, String message, long ageSeconds) {
    return new V1Pod()
        .metadata(
            new V1ObjectMeta()
                .name("keepsake-backup-1-abcde")
                .creationTimestamp(
                    OffsetDateTime.ofInstant(NOW.minusSeconds(ageSeconds), ZoneOffset.UTC)))
        .status(
            new V1PodStatus()
                .initContainerStatuses(
                    List.of(
                        new V1ContainerStatus()
                            .name("redis-backup-7")
                            .image("keepsake/redis-8:0.1.0")
                            .state(
                                new V1ContainerState()
                                    .waiting(
                                        new V1ContainerStateWaiting()
                                            .reason(reason)
                                            .message(message))))));
  }

  @Test
  void anImageThatIsNeverPulledFailsAtOnceNamingTheImage() {
    SessionPhases.Termination stuck =
        PodTroubles.stuck(
            List.of(waiting("ErrImageNeverPull", "Container image not present", 1)), NOW);

    assertThat(stuck.reason()).isEqualTo("ErrImageNeverPull");
    assertThat(stuck.message())
        .isEqualTo(
            "container redis-backup-7 cannot start: image keepsake/redis-8:0.1.0 is not on the"
                + " node and its pull policy is Never (ErrImageNeverPull); check the Function's image");
  }

  @Test
  void aPullBackOffGetsAMinuteBeforeItFailsTheSession() {
    V1Pod young =
        waiting("ImagePullBackOff", "Back-off pulling image \"keepsake/redis-8:0.1.0\"", 30);
    V1Pod old =
        waiting("ImagePullBackOff", "Back-off pulling image \"keepsake/redis-8:0.1.0\"", 61);

    assertThat(PodTroubles.stuck(List.of(young), NOW)).isNull();
    assertThat(PodTroubles.stuck(List.of(old), NOW).message())
        .isEqualTo(
            "container redis-backup-7 cannot pull image keepsake/redis-8:0.1.0 (ImagePullBackOff): Back-off pulling"
                + " image \"keepsake/redis-8:0.1.0\"; check the Function's image and the registry's pull secrets");
  }

  @Test
  void aMissingSecretSaysWhatTheKubeletSaid() {
    SessionPhases.Termination stuck =
        PodTroubles.stuck(
            List.of(waiting("CreateContainerConfigError", "secret \"redis-auth\" not found", 25)),
            NOW);

    assertThat(stuck.reason()).isEqualTo("CreateContainerConfigError");
    assertThat(stuck.message()).contains("secret \"redis-auth\" not found", "may be missing");
  }

  private static V1Pod unschedulable(String message, long ageSeconds) {
    return new V1Pod()
        .metadata(
            new V1ObjectMeta()
                .name("keepsake-backup-1-abcde")
                .namespace("shop")
                .creationTimestamp(
                    OffsetDateTime.ofInstant(NOW.minusSeconds(ageSeconds), ZoneOffset.UTC)))
        .status(
            new V1PodStatus()
                .phase("Pending")
                .conditions(
                    List.of(
                        new io.kubernetes.client.openapi.models.V1PodCondition()
                            .type("PodScheduled")
                            .status("False")
                            .reason("Unschedulable")
                            .message(message))))
        .spec(
            new V1PodSpec()
                .volumes(
                    List.of(
                        new io.kubernetes.client.openapi.models.V1Volume()
                            .name("keepsake-target")
                            .persistentVolumeClaim(
                                new io.kubernetes.client.openapi.models
                                        .V1PersistentVolumeClaimVolumeSource()
                                    .claimName("uploads-typo")))));
  }

  @Test
  void aPodWhoseClaimDoesNotExistFailsAfterItsGraceNamingTheClaim() {
    String scheduler =
        "0/1 nodes are available: persistentvolumeclaim \"uploads-typo\" not found. preemption: 0/1"
            + " nodes are available: 1 Preemption is not helpful for scheduling.";

    assertThat(PodTroubles.stuck(List.of(unschedulable(scheduler, 110)), NOW))
        .as("a claim may be made a little after the restore that fills it")
        .isNull();
    SessionPhases.Termination stuck =
        PodTroubles.stuck(List.of(unschedulable(scheduler, 121)), NOW);
    assertThat(stuck.reason()).isEqualTo("ClaimNotFound");
    assertThat(stuck.message())
        .startsWith(
            "the pod cannot be scheduled: PersistentVolumeClaim uploads-typo does not exist in"
                + " namespace shop after 2 minutes (the scheduler says: 0/1 nodes are available:")
        .endsWith("check the target's claim name (spec.target.ref.name)");
  }

  @Test
  void aPodWhoseClaimIsBeingDeletedFailsAfterItsGraceSayingSo() {
    String scheduler =
        "0/1 nodes are available: persistentvolumeclaim \"uploads-typo\" is being deleted."
            + " preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.";

    assertThat(PodTroubles.stuck(List.of(unschedulable(scheduler, 60)), NOW))
        .as("a claim deleted to be made anew may be back within the grace")
        .isNull();
    SessionPhases.Termination stuck =
        PodTroubles.stuck(List.of(unschedulable(scheduler, 121)), NOW);
    assertThat(stuck.reason()).isEqualTo("ClaimBeingDeleted");
    assertThat(stuck.message())
        .startsWith(
            "the pod cannot be scheduled: PersistentVolumeClaim uploads-typo in namespace shop is"
                + " being deleted")
        .contains("after 2 minutes (the scheduler says: 0/1 nodes are available:")
        .endsWith(
            "make the claim again, or name another in the target's claim name (spec.target.ref.name)");
  }

  @Test
  void aPodWaitingForRoomOnANodeIsNoTrouble() {
    assertThat(
            PodTroubles.stuck(
                List.of(unschedulable("0/1 nodes are available: 1 Insufficient cpu.", 3600)), NOW))
        .as("room may come: the Job's deadline is the limit")
        .isNull();
  }

  @Test
  void containersThatStartOrPullNormallyAreNoTrouble() {
    assertThat(
            PodTroubles.stuck(
                List.of(
                    waiting("PodInitializing", null, 300), waiting("ContainerCreating", null, 300)),
                NOW))
        .isNull();
    assertThat(PodTroubles.stuck(List.of(new V1Pod().metadata(new V1ObjectMeta())), NOW)).isNull();
  }

  @Test
  void aContainerKilledForItsMemoryLimitNamesTheLimitAndTheFieldToChange() {
    V1Pod pod =
        new V1Pod()
            .metadata(new V1ObjectMeta().name("keepsake-backup-1-abcde"))
            .spec(
                new V1PodSpec()
                    .initContainers(
                        List.of(
                            new V1Container()
                                .name("redis-backup-7")
                                .resources(
                                    new V1ResourceRequirements()
                                        .limits(Map.of("memory", Quantity.fromString("64Mi")))))))
            .status(
                new V1PodStatus()
                    .initContainerStatuses(
                        List.of(
                            new V1ContainerStatus()
                                .name("redis-backup-7")
                                .state(
                                    new V1ContainerState()
                                        .terminated(
                                            new V1ContainerStateTerminated()
                                                .reason("OOMKilled")
                                                .exitCode(137))))));

    SessionPhases.Termination killed = PodTroubles.oomKilled(List.of(pod));

    assertThat(killed.reason()).isEqualTo("OOMKilled");
    assertThat(killed.message())
        .isEqualTo(
            "container redis-backup-7 was killed for exceeding its memory limit of 64Mi"
                + " (OOMKilled, exit code 137); raise spec.runtimeSettings.resources.limits.memory");
  }

  @Test
  void aRunningJobWhosePodCannotStartFailsTheSession() {
    V1Job running = new V1Job().status(new V1JobStatus().active(1));
    SessionPhases.Termination stuck =
        new SessionPhases.Termination("ErrImageNeverPull", "container x cannot start");

    SessionPhases.Next next =
        SessionPhases.next(
            new SessionPhases.Observed(
                SessionPhase.Running, null, false, null, running, false, stuck));

    assertThat(next.phase()).isEqualTo(SessionPhase.Failed);
    assertThat(next.reason()).isEqualTo("ErrImageNeverPull");
    assertThat(next.message()).isEqualTo("container x cannot start");
  }

  private static final java.util.function.Predicate<String> IS_REPORT =
      message -> message.startsWith("{\"reason\"");

  /** The runner's container: the operator gave it the API token. */
  private static V1Pod terminated(int exitCode, String message) {
    return new V1Pod()
        .metadata(new V1ObjectMeta().name("keepsake-backup-1-abcde"))
        .spec(
            new io.kubernetes.client.openapi.models.V1PodSpec()
                .initContainers(
                    List.of(
                        new io.kubernetes.client.openapi.models.V1Container()
                            .name("redis-backup-7")
                            .volumeMounts(
                                List.of(
                                    new io.kubernetes.client.openapi.models.V1VolumeMount()
                                        .name("keepsake-api-token")
                                        .mountPath(
                                            "/var/run/secrets/kubernetes.io/serviceaccount"))))))
        .status(
            new V1PodStatus()
                .initContainerStatuses(
                    List.of(
                        new V1ContainerStatus()
                            .name("redis-backup-7")
                            .state(
                                new V1ContainerState()
                                    .terminated(
                                        new V1ContainerStateTerminated()
                                            .reason("Error")
                                            .exitCode(exitCode)
                                            .message(message))))));
  }

  @Test
  void aContainerKilledBeforeItReportedIsNamedWithItsSignal() {
    SessionPhases.Termination killed =
        PodTroubles.endedWithoutReport(List.of(terminated(137, null)), IS_REPORT);

    assertThat(killed.reason()).isEqualTo("Killed");
    assertThat(killed.message())
        .startsWith(
            "container redis-backup-7 was killed by SIGKILL (exit code 137) before it could report")
        .contains("writes no snapshot", "a restore may have written part of its data");
    assertThat(PodTroubles.endedWithoutReport(List.of(terminated(2, "")), IS_REPORT).message())
        .startsWith("container redis-backup-7 failed with exit code 2 before it could report");
    assertThat(
            PodTroubles.endedWithoutReport(
                    List.of(terminated(137, "keepsake: dumping\nkeepsake: 12.0 MiB streamed\n")),
                    IS_REPORT)
                .message())
        .as("the kubelet's log tail is not a report, nor repeated")
        .contains("killed by SIGKILL")
        .doesNotContain("streamed");
  }

  @Test
  void aContainerThatNeverRanSaysWhatTheKubeletSaid() {
    V1Pod pod =
        new V1Pod()
            .metadata(new V1ObjectMeta().name("keepsake-backup-1-abcde"))
            .status(
                new V1PodStatus()
                    .initContainerStatuses(
                        List.of(
                            new V1ContainerStatus()
                                .name("redis-backup-7")
                                .state(
                                    new V1ContainerState()
                                        .terminated(
                                            new V1ContainerStateTerminated()
                                                .reason("CreateContainerConfigError")
                                                .exitCode(1)
                                                .message(
                                                    "secret \"repository-credentials\" not found"))))));

    SessionPhases.Termination ended = PodTroubles.endedWithoutReport(List.of(pod), IS_REPORT);

    assertThat(ended.reason()).isEqualTo("CreateContainerConfigError");
    assertThat(ended.message())
        .isEqualTo(
            "container redis-backup-7 cannot be created (CreateContainerConfigError): secret"
                + " \"repository-credentials\" not found; a Secret, ConfigMap or volume it needs may be missing");
  }

  @Test
  void anotherStepsWordsAreNeitherAReportNorQuoted() {
    V1Pod startError =
        new V1Pod()
            .metadata(new V1ObjectMeta().name("keepsake-backup-1-abcde"))
            .spec(
                new io.kubernetes.client.openapi.models.V1PodSpec()
                    .initContainers(
                        List.of(
                            new io.kubernetes.client.openapi.models.V1Container().name("notify"))))
            .status(
                new V1PodStatus()
                    .initContainerStatuses(
                        List.of(
                            new V1ContainerStatus()
                                .name("notify")
                                .state(
                                    new V1ContainerState()
                                        .terminated(
                                            new V1ContainerStateTerminated()
                                                .reason("StartError")
                                                .exitCode(128)
                                                .message(
                                                    "exec: \"hunter2\": executable file not found in $PATH"))))));
    assertThat(PodTroubles.endedWithoutReport(List.of(startError), IS_REPORT).message())
        .isEqualTo(
            "container notify cannot be created (StartError); the pod's events say more; a Secret, ConfigMap or volume it"
                + " needs may be missing");

    V1Pod forged =
        new V1Pod()
            .metadata(new V1ObjectMeta().name("keepsake-backup-1-abcde"))
            .spec(
                new io.kubernetes.client.openapi.models.V1PodSpec()
                    .initContainers(
                        List.of(
                            new io.kubernetes.client.openapi.models.V1Container().name("notify"))))
            .status(
                new V1PodStatus()
                    .initContainerStatuses(
                        List.of(
                            new V1ContainerStatus()
                                .name("notify")
                                .state(
                                    new V1ContainerState()
                                        .terminated(
                                            new V1ContainerStateTerminated()
                                                .reason("Error")
                                                .exitCode(1)
                                                .message(
                                                    "{\"reason\":\"X\",\"message\":\"hunter2\"}"))))));
    assertThat(PodTroubles.endedWithoutReport(List.of(forged), IS_REPORT).message())
        .as("a step that is not the runner's")
        .startsWith("container notify failed with exit code 1 before it could report")
        .doesNotContain("hunter2");
  }

  @Test
  void aContainerThatReportedOrSucceededNeedsNoExplanation() {
    assertThat(
            PodTroubles.endedWithoutReport(
                List.of(terminated(1, "{\"reason\":\"DumpFailed\",\"message\":\"x\"}")), IS_REPORT))
        .isNull();
    assertThat(PodTroubles.endedWithoutReport(List.of(terminated(0, null)), IS_REPORT)).isNull();
    assertThat(
            PodTroubles.endedWithoutReport(List.of(waiting("PodInitializing", null, 1)), IS_REPORT))
        .isNull();
  }

  @Test
  void aJobWhosePodVanishedSaysSoRatherThanTheBackoffLimit() {
    V1Job failed =
        new V1Job()
            .status(
                new V1JobStatus()
                    .failed(1)
                    .conditions(
                        List.of(
                            new io.kubernetes.client.openapi.models.V1JobCondition()
                                .type("Failed")
                                .status("True")
                                .reason("BackoffLimitExceeded")
                                .message("Job has reached the specified backoff limit"))));

    SessionPhases.Next next =
        SessionPhases.next(
            new SessionPhases.Observed(
                SessionPhase.Running, null, false, null, failed, false, null));

    assertThat(next.phase()).isEqualTo(SessionPhase.Failed);
    assertThat(next.reason()).isEqualTo("PodLost");
    assertThat(next.message())
        .startsWith("the Job's pod ended before its runner could report (it was deleted, evicted");
  }
}
