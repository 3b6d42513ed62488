package dev.keepsake.operator.kube;

import dev.keepsake.api.RunnerReport;
import dev.keepsake.operator.desired.CronJobs;
import dev.keepsake.operator.status.PodTroubles;
import dev.keepsake.operator.status.SessionPhases;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1Pod;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * What a Job's pods say: the runner's report when it ended, or why a pod cannot start. Read live,
 * since the operator caches no pods.
 */
public final class JobPods {
  private final CoreV1Api core;

  JobPods(ApiClient client) {
    this.core = new CoreV1Api(client);
  }

  /**
   * For a finished Job, how its pod ended ({@link #termination}); for a running one, why its pod
   * cannot start, or null when nothing is wrong.
   */
  public SessionPhases.Termination outcome(String namespace, String jobName, boolean jobFinished)
      throws ApiException {
    return jobFinished
        ? termination(namespace, jobName)
        : PodTroubles.stuck(pods(namespace, jobName), Instant.now());
  }

  /**
   * The runner's report from the Job's pod, the last container that wrote one; a container killed
   * for its memory limit wins, since it could not write one.
   */
  public SessionPhases.Termination termination(String namespace, String jobName)
      throws ApiException {
    List<V1Pod> pods = pods(namespace, jobName);
    SessionPhases.Termination oomKilled = PodTroubles.oomKilled(pods);
    if (oomKilled != null) {
      return oomKilled;
    }
    RunnerReport found = null;
    for (V1Pod pod : pods) {
      if (pod.getStatus() == null) {
        continue;
      }
      List<V1ContainerStatus> statuses = new ArrayList<>();
      Stream.of(pod.getStatus().getInitContainerStatuses(), pod.getStatus().getContainerStatuses())
          .filter(Objects::nonNull)
          .forEach(statuses::addAll);
      for (V1ContainerStatus status : statuses) {
        var terminated = status.getState() == null ? null : status.getState().getTerminated();
        if (terminated != null
            && terminated.getMessage() != null
            && !terminated.getMessage().isBlank()
            && PodTroubles.isRunner(pod, status.getName())) {
          RunnerReport report = RunnerReport.parse(terminated.getMessage());
          if (found == null || !report.completed()) {
            found = report;
          }
        }
      }
    }
    // A step that reported success says nothing about a later one that was killed.
    if (found == null || found.reason() == null || found.completed()) {
      SessionPhases.Termination unreported =
          PodTroubles.endedWithoutReport(
              pods, message -> RunnerReport.parse(message).reason() != null);
      if (unreported != null) {
        return unreported;
      }
    }
    return found == null ? null : new SessionPhases.Termination(found.reason(), found.message());
  }

  private List<V1Pod> pods(String namespace, String jobName) throws ApiException {
    return core.listNamespacedPod(namespace)
        .labelSelector(CronJobs.JOB_NAME_LABEL + "=" + jobName)
        .execute()
        .getItems();
  }
}
