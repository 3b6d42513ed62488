package dev.keepsake.operator.status;

import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the scheduler and the kubelet say about a session's pod that the Job does not: a pod no node
 * can take because a claim it mounts does not exist, a container that cannot start (its image is
 * missing or cannot be pulled, a Secret it needs is gone), either of which would leave the session
 * Running for ever, and a container the kernel killed for its memory limit, which writes no
 * termination message of its own.
 */
public final class PodTroubles {
  /**
   * Waiting reasons that do not heal by themselves, and how long a pod may wait in them: a pull can
   * fail once on a busy registry, and a Secret can appear a moment after the pod.
   */
  private static final Map<String, Duration> HOPELESS_WAITING =
      Map.of(
          "ErrImageNeverPull", Duration.ZERO,
          "InvalidImageName", Duration.ZERO,
          "ImagePullBackOff", Duration.ofSeconds(60),
          "ErrImagePull", Duration.ofSeconds(60),
          "CreateContainerConfigError", Duration.ofSeconds(20),
          "CreateContainerError", Duration.ofSeconds(20),
          "RunContainerError", Duration.ofSeconds(20));

  /**
   * How long a pod may wait for a claim it mounts: a restore is often applied together with the
   * claim it fills, and the claim may come a little after it.
   */
  static final Duration CLAIM_GRACE = Duration.ofMinutes(2);

  /**
   * The scheduler's words, in a PodScheduled=False condition, for a claim that does not exist or
   * that is being deleted (a pod that is not yet on a node can no longer use such a claim).
   */
  private static final Pattern MISSING_CLAIM =
      Pattern.compile("persistentvolumeclaim \"([^\"]+)\" (not found|is being deleted)");

  private PodTroubles() {}

  /**
   * A pod that cannot be scheduled for want of a claim, or a container that cannot start, that has
   * waited past its grace; or null.
   */
  public static SessionPhases.Termination stuck(List<V1Pod> pods, Instant now) {
    for (V1Pod pod : pods) {
      Instant created =
          Optional.ofNullable(pod.getMetadata().getCreationTimestamp())
              .map(OffsetDateTime::toInstant)
              .orElse(now);
      SessionPhases.Termination unschedulable = missingClaim(pod, created, now);
      if (unschedulable != null) {
        return unschedulable;
      }
      for (V1ContainerStatus status : statuses(pod)) {
        var waiting = status.getState() == null ? null : status.getState().getWaiting();
        if (waiting == null
            || waiting.getReason() == null
            || !HOPELESS_WAITING.containsKey(waiting.getReason())) {
          continue;
        }
        if (Duration.between(created, now).compareTo(HOPELESS_WAITING.get(waiting.getReason()))
            < 0) {
          continue;
        }
        return new SessionPhases.Termination(
            waiting.getReason(),
            cannotStart(
                status,
                waiting.getReason(),
                quotable(pod, status.getName(), waiting.getReason())
                    ? waiting.getMessage()
                    : null));
      }
    }
    return null;
  }

  private static SessionPhases.Termination missingClaim(V1Pod pod, Instant created, Instant now) {
    if (pod.getStatus() == null
        || pod.getStatus().getConditions() == null
        || Duration.between(created, now).compareTo(CLAIM_GRACE) < 0) {
      return null;
    }
    for (V1PodCondition condition : pod.getStatus().getConditions()) {
      if (!"PodScheduled".equals(condition.getType())
          || !"False".equals(condition.getStatus())
          || condition.getMessage() == null) {
        continue;
      }
      Matcher missing = MISSING_CLAIM.matcher(condition.getMessage());
      if (missing.find()) {
        boolean deleting = missing.group(2).startsWith("is being");
        return new SessionPhases.Termination(
            deleting ? "ClaimBeingDeleted" : "ClaimNotFound",
            "the pod cannot be scheduled: PersistentVolumeClaim "
                + missing.group(1)
                + (deleting
                    ? " in namespace "
                        + pod.getMetadata().getNamespace()
                        + " is being deleted (it goes once no pod uses it, and no new pod may"
                        + " mount it meanwhile), still"
                    : " does not exist in namespace " + pod.getMetadata().getNamespace())
                + " after "
                + CLAIM_GRACE.toMinutes()
                + " minutes (the scheduler says: "
                + condition.getMessage().trim()
                + (deleting ? "); make the claim again, or name another in " : "); check ")
                + whoNamesClaim(pod, missing.group(1)));
      }
    }
    return null;
  }

  /** The field that gave the pod a claim, by the volume that mounts it. */
  private static String whoNamesClaim(V1Pod pod, String claim) {
    String volume =
        pod.getSpec() == null || pod.getSpec().getVolumes() == null
            ? null
            : pod.getSpec().getVolumes().stream()
                .filter(
                    v ->
                        v.getPersistentVolumeClaim() != null
                            && claim.equals(v.getPersistentVolumeClaim().getClaimName()))
                .map(io.kubernetes.client.openapi.models.V1Volume::getName)
                .findFirst()
                .orElse(null);
    if (volume == null) {
      return "the claims the Job mounts";
    }
    return switch (volume) {
      case "keepsake-target" -> "the target's claim name (spec.target.ref.name)";
      case "keepsake-repository" ->
          "the Repository's spec.backend.local.persistentVolumeClaim.claimName";
      default -> "volume " + volume + " of the Task (spec.volumes)";
    };
  }

  /** A container of these pods that was killed for exceeding its memory limit, or null. */
  public static SessionPhases.Termination oomKilled(List<V1Pod> pods) {
    for (V1Pod pod : pods) {
      for (V1ContainerStatus status : statuses(pod)) {
        var terminated = status.getState() == null ? null : status.getState().getTerminated();
        if (terminated != null && "OOMKilled".equals(terminated.getReason())) {
          String limit = memoryLimit(pod, status.getName());
          return new SessionPhases.Termination(
              "OOMKilled",
              "container "
                  + status.getName()
                  + " was killed for exceeding its memory limit"
                  + (limit == null ? "" : " of " + limit)
                  + " (OOMKilled, exit code "
                  + terminated.getExitCode()
                  + "); raise spec.runtimeSettings.resources.limits.memory");
        }
      }
    }
    return null;
  }

  /**
   * A container that ended with a failure without a report of the runner's (its termination message
   * is empty, or only the tail of its log that the kubelet puts there): killed by a signal (the
   * node, an eviction, a person) or a crash before the runner could report; or null.
   *
   * @param isReport whether a termination message is the runner's report
   */
  public static SessionPhases.Termination endedWithoutReport(
      List<V1Pod> pods, Predicate<String> isReport) {
    for (V1Pod pod : pods) {
      for (V1ContainerStatus status : statuses(pod)) {
        var terminated = status.getState() == null ? null : status.getState().getTerminated();
        String message =
            terminated == null || terminated.getMessage() == null
                ? ""
                : terminated.getMessage().trim();
        if (terminated == null
            || terminated.getExitCode() == null
            || terminated.getExitCode() == 0
            || (!message.isEmpty() && isRunner(pod, status.getName()) && isReport.test(message))) {
          continue;
        }
        if (terminated.getReason() != null && !RUN_ENDINGS.contains(terminated.getReason())) {
          // The container never ran (StartError, ContainerCannotRun, ...): the message is the
          // runtime's, not a log tail.
          return new SessionPhases.Termination(
              terminated.getReason(),
              cannotStart(
                  status,
                  terminated.getReason(),
                  quotable(pod, status.getName(), terminated.getReason()) ? message : null));
        }
        int exitCode = terminated.getExitCode();
        boolean signalled = exitCode > 128 && exitCode < 160;
        // The log tail the kubelet keeps as the message is not repeated: it may hold what a step
        // printed.
        return new SessionPhases.Termination(
            signalled ? "Killed" : "ExitedWithoutReport",
            "container "
                + status.getName()
                + (signalled
                    ? " was killed by "
                        + signalName(exitCode - 128)
                        + " (exit code "
                        + exitCode
                        + ")"
                    : " failed with exit code " + exitCode)
                + " before it could report, so its step did not finish: a backup"
                + " cut off before restic's last step writes no snapshot, a restore may have written part of its data."
                + (signalled
                    ? " Look at the pod's events and the node for who stopped it"
                    : " See the pod's log"));
      }
    }
    return null;
  }

  /**
   * The runner's containers: those the operator gave the API token. Only their termination messages
   * are reports; another step's could say anything, a Secret's value included.
   */
  public static boolean isRunner(V1Pod pod, String containerName) {
    if (pod.getSpec() == null) {
      return false;
    }
    return Stream.of(pod.getSpec().getInitContainers(), pod.getSpec().getContainers())
        .filter(Objects::nonNull)
        .flatMap(List::stream)
        .filter(c -> containerName.equals(c.getName()))
        .anyMatch(
            c ->
                c.getVolumeMounts() != null
                    && c.getVolumeMounts().stream()
                        .anyMatch(m -> RUNNER_TOKEN_VOLUME.equals(m.getName())));
  }

  /**
   * Whether the kubelet's message may be shown: always for the runner, whose command is the
   * operator's; for another step only when it speaks of references and images, not of the process
   * (a StartError quotes the command, and the command can hold a variable from a Secret, expanded).
   */
  private static boolean quotable(V1Pod pod, String containerName, String reason) {
    return isRunner(pod, containerName) || QUOTABLE_REASONS.contains(reason);
  }

  private static final String RUNNER_TOKEN_VOLUME = "keepsake-api-token";
  private static final java.util.Set<String> QUOTABLE_REASONS =
      java.util.Set.of(
          "CreateContainerConfigError",
          "ErrImageNeverPull",
          "InvalidImageName",
          "ImagePullBackOff",
          "ErrImagePull");

  /**
   * Reasons the kubelet gives a container that ran and ended; any other says it could not start.
   */
  private static final java.util.Set<String> RUN_ENDINGS =
      java.util.Set.of("Error", "Completed", "OOMKilled", "DeadlineExceeded");

  private static String signalName(int signal) {
    return switch (signal) {
      case 1 -> "SIGHUP";
      case 2 -> "SIGINT";
      case 6 -> "SIGABRT";
      case 9 -> "SIGKILL";
      case 11 -> "SIGSEGV";
      case 15 -> "SIGTERM";
      default -> "signal " + signal;
    };
  }

  private static String cannotStart(
      V1ContainerStatus status, String reason, String kubeletMessage) {
    String said =
        kubeletMessage == null || kubeletMessage.isBlank()
            ? "; the pod's events say more"
            : ": " + kubeletMessage.trim();
    String container = "container " + status.getName();
    return switch (reason) {
      case "ErrImageNeverPull" ->
          container
              + " cannot start: image "
              + status.getImage()
              + " is not on the node and its pull policy is Never (ErrImageNeverPull); check the Function's image";
      case "InvalidImageName" ->
          container
              + " cannot start: "
              + status.getImage()
              + " is not a valid image name"
              + " (InvalidImageName); check the Function's image";
      case "ImagePullBackOff", "ErrImagePull" ->
          container
              + " cannot pull image "
              + status.getImage()
              + " ("
              + reason
              + ")"
              + said
              + "; check the Function's image and the registry's pull secrets";
      default ->
          container
              + " cannot be created ("
              + reason
              + ")"
              + said
              + "; a Secret, ConfigMap or volume it needs may be missing";
    };
  }

  private static String memoryLimit(V1Pod pod, String containerName) {
    if (pod.getSpec() == null) {
      return null;
    }
    return Stream.of(pod.getSpec().getInitContainers(), pod.getSpec().getContainers())
        .filter(Objects::nonNull)
        .flatMap(List::stream)
        .filter(c -> containerName.equals(c.getName()))
        .map(V1Container::getResources)
        .filter(r -> r != null && r.getLimits() != null && r.getLimits().get("memory") != null)
        .map(r -> r.getLimits().get("memory"))
        .map(Quantity::toSuffixedString)
        .findFirst()
        .orElse(null);
  }

  private static List<V1ContainerStatus> statuses(V1Pod pod) {
    List<V1ContainerStatus> statuses = new ArrayList<>();
    if (pod.getStatus() != null) {
      Stream.of(pod.getStatus().getInitContainerStatuses(), pod.getStatus().getContainerStatuses())
          .filter(Objects::nonNull)
          .forEach(statuses::addAll);
    }
    return statuses;
  }
}
