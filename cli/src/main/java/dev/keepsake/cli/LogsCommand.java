package dev.keepsake.cli;

import dev.keepsake.api.ApiKind;
import dev.keepsake.api.BackupSession;
import dev.keepsake.api.HookStatus;
import dev.keepsake.api.RestoreSession;
import dev.keepsake.api.SessionStatus;
import dev.keepsake.desired.Names;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1Pod;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** `logs`: a session's pod logs step by step, its hooks and its outcome. */
@Command(
    name = "logs",
    mixinStandardHelpOptions = true,
    description = {
      "Show the logs of a session's pod, step by step.",
      "Every step in the order it ran, each with how it ended, then the hooks the operator ran "
          + "and the session's outcome. SESSION is a BackupSession or RestoreSession "
          + "(backupsession/NAME or restoresession/NAME when both exist)."
    },
    footer = {
      "",
      "Examples:",
      "  kubectl keepsake logs redis-backup-manual-20261204-093000 -n shop",
      "  kubectl keepsake logs restoresession/redis-backup-restore-20261204-101500 -n shop"
    })
final class LogsCommand extends KeepsakeCommand {
  private static final List<String> BACKUP_KINDS =
      List.of("backupsession", "backupsessions", "ksbs");
  private static final List<String> RESTORE_KINDS =
      List.of("restoresession", "restoresessions", "ksrs");

  @Parameters(paramLabel = "SESSION", description = "The session.")
  String session;

  @Override
  public Integer call() {
    Found found = find();
    String jobName =
        found.status() != null && found.status().getJobName() != null
            ? found.status().getJobName()
            : found.backup() ? Names.backupJob(found.name()) : Names.restoreJob(found.name());
    CoreV1Api core = new CoreV1Api(kube().client());
    List<V1Pod> pods =
        new ArrayList<>(
            kube()
                .call(
                    "list",
                    "pods",
                    namespace(),
                    () ->
                        core.listNamespacedPod(namespace())
                            .labelSelector(
                                dev.keepsake.operator.desired.CronJobs.JOB_NAME_LABEL
                                    + "="
                                    + jobName)
                            .execute()
                            .getItems()));
    pods.sort(
        Comparator.comparing(
            p -> p.getMetadata().getCreationTimestamp(),
            Comparator.nullsFirst(Comparator.naturalOrder())));
    PrintWriter out = out();
    if (pods.isEmpty()) {
      out.println(
          "No pod of Job "
              + jobName
              + " is left"
              + (found.status() == null || found.status().getPhase() == null
                  ? " (the session has not started)"
                  : " (Jobs and their pods go after the operator's TTL)")
              + ".");
    }
    for (V1Pod pod : pods) {
      List<V1Container> containers = new ArrayList<>();
      Stream.of(pod.getSpec().getInitContainers(), pod.getSpec().getContainers())
          .filter(Objects::nonNull)
          .forEach(containers::addAll);
      for (V1Container container : containers) {
        out.println(
            "==> pod/"
                + pod.getMetadata().getName()
                + " step "
                + container.getName()
                + ": "
                + state(pod, container.getName()));
        printLog(out, core, pod, container.getName());
      }
    }
    if (found.status() != null && found.status().getHooks() != null) {
      for (HookStatus hook : found.status().getHooks()) {
        out.println(
            "==> hook "
                + hook.getName()
                + " ("
                + Output.or(hook.getPhase())
                + "): "
                + Output.or(hook.getMessage()));
      }
    }
    if (found.status() != null && found.status().getPhase() != null) {
      out.println(
          "==> "
              + (found.backup() ? "backupsession/" : "restoresession/")
              + found.name()
              + ": "
              + found.status().getPhase()
              + (found.status().getReason() == null ? "" : " (" + found.status().getReason() + ")")
              + (found.status().getMessage() == null ? "" : ": " + found.status().getMessage()));
    }
    out.flush();
    return 0;
  }

  private record Found(String name, boolean backup, SessionStatus<?> status) {}

  private Found find() {
    String[] parts = session.split("/", 2);
    String kind = parts.length == 2 ? parts[0].toLowerCase(java.util.Locale.ROOT) : null;
    String name = parts.length == 2 ? parts[1] : session;
    boolean backupKind = kind != null && BACKUP_KINDS.contains(kind);
    boolean restoreKind = kind != null && RESTORE_KINDS.contains(kind);
    if (kind != null && !backupKind && !restoreKind) {
      throw CliException.usage(
          "SESSION "
              + session
              + ": the kind must be backupsession (ksbs) or restoresession (ksrs)");
    }
    BackupSession backup =
        kind == null || backupKind ? kube().find(ApiKind.BACKUP_SESSION, namespace(), name) : null;
    RestoreSession restore =
        kind == null || restoreKind
            ? kube().find(ApiKind.RESTORE_SESSION, namespace(), name)
            : null;
    if (backup != null && restore != null) {
      throw new CliException(
          "both a BackupSession and a RestoreSession are named "
              + name
              + ": say backupsession/"
              + name
              + " or restoresession/"
              + name);
    }
    if (backup != null) {
      return new Found(name, true, backup.getStatus());
    }
    if (restore != null) {
      return new Found(name, false, restore.getStatus());
    }
    throw new CliException(
        "no "
            + (kind == null ? "BackupSession or RestoreSession" : kind)
            + " "
            + name
            + " in namespace "
            + namespace());
  }

  private static String state(V1Pod pod, String container) {
    Optional<V1ContainerStatus> status =
        pod.getStatus() == null
            ? Optional.empty()
            : Stream.of(
                    pod.getStatus().getInitContainerStatuses(),
                    pod.getStatus().getContainerStatuses())
                .filter(Objects::nonNull)
                .flatMap(List::stream)
                .filter(s -> container.equals(s.getName()))
                .findFirst();
    if (status.isEmpty() || status.get().getState() == null) {
      return "not started";
    }
    var state = status.get().getState();
    if (state.getTerminated() != null) {
      return "exited "
          + state.getTerminated().getExitCode()
          + (state.getTerminated().getReason() == null
              ? ""
              : " (" + state.getTerminated().getReason() + ")");
    }
    if (state.getWaiting() != null) {
      return "waiting ("
          + Output.or(state.getWaiting().getReason())
          + ")"
          + (state.getWaiting().getMessage() == null ? "" : ": " + state.getWaiting().getMessage());
    }
    return "running";
  }

  private void printLog(PrintWriter out, CoreV1Api core, V1Pod pod, String container) {
    if (pod.getSpec().getNodeName() == null || pod.getSpec().getNodeName().isEmpty()) {
      // The API server answers an empty log, not an error, for a pod that no node took.
      out.println("(no log: the pod is on no node)");
      terminationMessage(pod, container)
          .ifPresent(message -> out.println("termination message: " + message));
      return;
    }
    try {
      String log =
          core.readNamespacedPodLog(pod.getMetadata().getName(), namespace())
              .container(container)
              .execute();
      if (log != null && !log.isEmpty()) {
        out.print(log.endsWith("\n") ? log : log + "\n");
      }
    } catch (ApiException e) {
      if (e.getCode() == 403) {
        throw Failures.of(e, "get", "pods/log", namespace(), kube().server());
      }
      String why =
          e.getCode() == 0
              ? String.valueOf(e.getMessage())
              : Failures.of(e, "get", "pods/log", namespace(), kube().server()).getMessage();
      out.println("(no log: " + why + ")");
      terminationMessage(pod, container)
          .ifPresent(message -> out.println("termination message: " + message));
    }
  }

  private static Optional<String> terminationMessage(V1Pod pod, String container) {
    if (pod.getStatus() == null) {
      return Optional.empty();
    }
    return Stream.of(
            pod.getStatus().getInitContainerStatuses(), pod.getStatus().getContainerStatuses())
        .filter(Objects::nonNull)
        .flatMap(List::stream)
        .filter(s -> container.equals(s.getName()))
        .map(
            s ->
                s.getState() == null || s.getState().getTerminated() == null
                    ? null
                    : s.getState().getTerminated().getMessage())
        .filter(Objects::nonNull)
        .findFirst();
  }
}
