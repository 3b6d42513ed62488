package dev.keepsake.operator.hooks;

import dev.keepsake.api.ExecHook;
import io.kubernetes.client.Exec;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Service;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs an exec hook's command in pods through the API server's exec subresource, as kubectl exec
 * does.
 */
final class ExecHooks {
  private final CoreV1Api core;
  private final Exec exec;

  ExecHooks(ApiClient client, ApiClient streamClient) {
    this.core = new CoreV1Api(client);
    this.exec = new Exec(streamClient);
  }

  HookOutcome run(
      String namespace, ExecHook spec, List<String> command, PodChoice targetPods, Duration timeout)
      throws ApiException, IOException, InterruptedException {
    Chosen chosen = choose(namespace, spec, targetPods);
    if (chosen.pods().isEmpty()) {
      return HookOutcome.failure(
          chosen.failure() != null
              ? chosen.failure()
              : "no running and ready pod in namespace "
                  + namespace
                  + " among "
                  + chosen.description(),
          "");
    }
    List<V1Pod> pods =
        Boolean.TRUE.equals(spec.getAllPods()) ? chosen.pods() : chosen.pods().subList(0, 1);
    OutputTail output = new OutputTail();
    long deadline = System.nanoTime() + timeout.toNanos();
    for (V1Pod pod : pods) {
      String podName = pod.getMetadata().getName();
      String container =
          spec.getContainer() != null
              ? spec.getContainer()
              : pod.getSpec().getContainers().get(0).getName();
      if (pod.getSpec().getContainers().stream().noneMatch(c -> c.getName().equals(container))) {
        return HookOutcome.failure(
            "pod " + podName + " has no container " + container + " (exec.container)",
            output.text());
      }
      Process process =
          exec.exec(namespace, podName, command.toArray(String[]::new), container, false, false);
      Thread out = copy(process.getInputStream(), output);
      Thread err = copy(process.getErrorStream(), output);
      boolean ended =
          process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (!ended) {
        process.destroy();
        return HookOutcome.failure(
            "did not end within "
                + timeout.getSeconds()
                + " s (timeoutSeconds) in pod "
                + podName
                + ", container "
                + container
                + "; the command may still run there",
            output.text());
      }
      out.join(2000);
      err.join(2000);
      int exitCode = process.exitValue();
      process.destroy();
      if (exitCode != 0) {
        return HookOutcome.failure(
            command.get(0)
                + " exited with code "
                + exitCode
                + " in pod "
                + podName
                + ", container "
                + container,
            output.text());
      }
    }
    String where =
        pods.stream().map(p -> p.getMetadata().getName()).collect(Collectors.joining(", "));
    return HookOutcome.success(
        command.get(0) + " exited with code 0 in pod " + where, output.text());
  }

  private record Chosen(List<V1Pod> pods, String description, String failure) {}

  private Chosen choose(String namespace, ExecHook spec, PodChoice targetPods) throws ApiException {
    Map<String, String> labels = spec.getPodSelector();
    if (labels != null && !labels.isEmpty()) {
      return new Chosen(
          ready(
              core.listNamespacedPod(namespace)
                  .labelSelector(selector(labels))
                  .execute()
                  .getItems()),
          "the pods with labels " + selector(labels) + " (exec.podSelector)",
          null);
    }
    if (targetPods.claimName() != null) {
      List<V1Pod> mounting =
          core.listNamespacedPod(namespace).execute().getItems().stream()
              .filter(
                  pod ->
                      pod.getSpec().getVolumes() != null
                          && pod.getSpec().getVolumes().stream()
                              .anyMatch(
                                  v ->
                                      v.getPersistentVolumeClaim() != null
                                          && targetPods
                                              .claimName()
                                              .equals(v.getPersistentVolumeClaim().getClaimName())))
              .filter(
                  pod ->
                      pod.getMetadata().getLabels() == null
                          || !pod.getMetadata()
                              .getLabels()
                              .containsKey(dev.keepsake.desired.Labels.MANAGED_BY))
              .toList();
      return new Chosen(
          ready(mounting),
          "the pods that mount PersistentVolumeClaim " + targetPods.claimName(),
          null);
    }
    if (targetPods.serviceName() != null) {
      V1Service service;
      try {
        service = core.readNamespacedService(targetPods.serviceName(), namespace).execute();
      } catch (ApiException e) {
        if (e.getCode() == 404) {
          return new Chosen(
              List.of(),
              null,
              "Service "
                  + targetPods.serviceName()
                  + " of the target does not exist in namespace "
                  + namespace
                  + "; set exec.podSelector");
        }
        throw e;
      }
      Map<String, String> serviceSelector =
          service.getSpec() == null ? null : service.getSpec().getSelector();
      if (serviceSelector == null || serviceSelector.isEmpty()) {
        return new Chosen(
            List.of(),
            null,
            "Service "
                + targetPods.serviceName()
                + " of the target selects no pods (it has no"
                + " selector); set exec.podSelector");
      }
      return new Chosen(
          ready(
              core.listNamespacedPod(namespace)
                  .labelSelector(selector(serviceSelector))
                  .execute()
                  .getItems()),
          "the pods of Service "
              + targetPods.serviceName()
              + " ("
              + selector(serviceSelector)
              + ")",
          null);
    }
    return new Chosen(
        List.of(), null, "no pod to run in: exec.podSelector is not set and " + targetPods.why());
  }

  private static List<V1Pod> ready(List<V1Pod> pods) {
    return pods.stream()
        .filter(pod -> pod.getMetadata().getDeletionTimestamp() == null)
        .filter(pod -> pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase()))
        .filter(
            pod ->
                pod.getStatus().getConditions() != null
                    && pod.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())))
        .sorted(Comparator.comparing(pod -> pod.getMetadata().getName()))
        .toList();
  }

  private static String selector(Map<String, String> labels) {
    return new java.util.TreeMap<>(labels)
        .entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(","));
  }

  private static Thread copy(InputStream stream, OutputTail output) {
    Thread thread =
        new Thread(
            () -> {
              byte[] buffer = new byte[8192];
              try (stream) {
                for (int read; (read = stream.read(buffer)) >= 0; ) {
                  output.add(buffer, read);
                }
              } catch (IOException ignored) {
                // The stream closes when the command ends or is abandoned; what was read is kept.
              }
            },
            "keepsake-hook-output");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }
}
