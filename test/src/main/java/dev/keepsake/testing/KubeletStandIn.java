package dev.keepsake.testing;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.AuthenticationV1TokenRequest;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1ContainerState;
import io.kubernetes.client.openapi.models.V1ContainerStateRunning;
import io.kubernetes.client.openapi.models.V1ContainerStateTerminated;
import io.kubernetes.client.openapi.models.V1ContainerStateWaiting;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1PodStatus;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1TokenRequestSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Logger;

/**
 * Stands in for a kubelet on the local control plane: it watches the pods of Keepsake's Jobs and
 * CronJobs, runs each with {@link LocalPod}, and writes their status (Running, then Succeeded or
 * Failed with every container's exit code, reason and termination message) through the API, so the
 * real Job and CronJob controllers drive the flow. A deleted pod's processes are stopped.
 *
 * <p>Each pod gets a kubeconfig with a token of its own ServiceAccount (TokenRequest API), so what
 * it does in the API is checked against that ServiceAccount's RBAC, as in a cluster. What it does
 * not emulate: scheduling and nodes (pods stay unbound), images and isolation (see {@link
 * LocalPod}), container restarts ({@code restartPolicy: OnFailure} fails the pod; the Job's backoff
 * makes a new one), probes, resource limits, and garbage collection of finished pods' files.
 */
public final class KubeletStandIn implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(KubeletStandIn.class.getName());
  private static final String SELECTOR = "app.kubernetes.io/managed-by=keepsake";

  private final ApiClient client;
  private final CoreV1Api core;
  private final String serverUrl;
  private final String caPem;
  private final Path work;
  private final Path tools;
  private final Map<String, String> environment;
  private final Map<String, LocalPod> running = new ConcurrentHashMap<>();
  private final Set<String> seen = ConcurrentHashMap.newKeySet();
  private final ExecutorService pods =
      Executors.newCachedThreadPool(
          r -> {
            Thread thread = new Thread(r, "kubelet-stand-in-pod");
            thread.setDaemon(true);
            return thread;
          });
  private final Thread watcher;
  private volatile boolean stopped;

  private KubeletStandIn(
      LocalControlPlane controlPlane, Path work, Map<String, String> environment) {
    this.client = controlPlane.client();
    this.core = new CoreV1Api(client);
    this.serverUrl = controlPlane.serverUrl();
    this.caPem = controlPlane.certificateAuthorityPem();
    this.work = work;
    this.tools = LocalTools.folder(work);
    this.environment = environment;
    this.watcher = new Thread(this::watch, "kubelet-stand-in");
    this.watcher.setDaemon(true);
  }

  /**
   * @param work where pods' folders, logs and claims' folders go
   * @param environment added to every container (for example the runner's Java options)
   */
  public static KubeletStandIn start(
      LocalControlPlane controlPlane, Path work, Map<String, String> environment) {
    KubeletStandIn kubelet = new KubeletStandIn(controlPlane, work, environment);
    kubelet.watcher.start();
    return kubelet;
  }

  /** The local folder that stands for a PersistentVolumeClaim. */
  public Path claim(String namespace, String name) {
    return work.resolve("claims").resolve(namespace).resolve(name);
  }

  /** Where a pod's container logs are, for a test's or a user's eyes. */
  public Path podFolder(String namespace, String name) {
    return work.resolve("pods").resolve(namespace).resolve(name);
  }

  private void watch() {
    while (!stopped) {
      try {
        List<V1Pod> listed =
            core.listPodForAllNamespaces().labelSelector(SELECTOR).execute().getItems();
        Set<String> present = ConcurrentHashMap.newKeySet();
        for (V1Pod pod : listed) {
          String key =
              pod.getMetadata().getNamespace()
                  + "/"
                  + pod.getMetadata().getName()
                  + "/"
                  + pod.getMetadata().getUid();
          present.add(key);
          String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
          if ((phase == null || phase.equals("Pending"))
              && pod.getMetadata().getDeletionTimestamp() == null
              && seen.add(key)) {
            pods.submit(() -> run(pod, key));
          }
        }
        running.forEach(
            (key, local) -> {
              if (!present.contains(key)) {
                LOG.info("pod " + key + " was deleted; stopping its processes");
                local.stop();
              }
            });
        Thread.sleep(500);
      } catch (InterruptedException e) {
        return;
      } catch (ApiException | RuntimeException e) {
        if (!stopped) {
          LOG.warning("listing pods failed: " + e.getMessage());
          sleepQuietly();
        }
      }
    }
  }

  private static void sleepQuietly() {
    try {
      Thread.sleep(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run(V1Pod pod, String key) {
    String namespace = pod.getMetadata().getNamespace();
    String name = pod.getMetadata().getName();
    Path folder = podFolder(namespace, name);
    try {
      Files.createDirectories(folder);
      Map<String, String> podEnvironment = new HashMap<>(environment);
      String token = token(pod);
      podEnvironment.put("KUBECONFIG", kubeconfig(pod, folder, token).toString());
      LocalPod local =
          new LocalPod(
              pod,
              sources(namespace, token),
              folder,
              tools,
              podEnvironment,
              claim -> claim(namespace, claim));
      running.put(key, local);
      OffsetDateTime started = OffsetDateTime.now();
      List<V1ContainerStatus> done = new ArrayList<>();
      writeStatus(pod, "Running", started, done, true);
      LocalPod.Outcome outcome =
          local.run(
              container -> {
                done.add(terminated(container));
                writeStatus(pod, "Running", started, done, true);
              });
      running.remove(key);
      writeStatus(pod, outcome.succeeded() ? "Succeeded" : "Failed", started, done, false);
      LOG.info("pod " + namespace + "/" + name + (outcome.succeeded() ? " succeeded" : " failed"));
    } catch (RuntimeException | IOException e) {
      running.remove(key);
      LOG.warning("pod " + namespace + "/" + name + " could not run: " + e.getMessage());
      writeStatus(
          pod,
          "Failed",
          OffsetDateTime.now(),
          List.of(
              new V1ContainerStatus()
                  .name(pod.getSpec().getContainers().get(0).getName())
                  .image("")
                  .imageID("")
                  .ready(false)
                  .restartCount(0)
                  .state(
                      new V1ContainerState()
                          .terminated(
                              new V1ContainerStateTerminated()
                                  .exitCode(128)
                                  .reason("StartError")
                                  .message(String.valueOf(e.getMessage()))
                                  .finishedAt(OffsetDateTime.now())))),
          false);
    }
  }

  private static V1ContainerStatus terminated(LocalPod.ContainerOutcome container) {
    return new V1ContainerStatus()
        .name(container.name())
        .image("")
        .imageID("")
        .ready(false)
        .restartCount(0)
        .state(
            new V1ContainerState()
                .terminated(
                    new V1ContainerStateTerminated()
                        .exitCode(container.exitCode())
                        .reason(container.reason())
                        .message(container.message())
                        .startedAt(container.startedAt())
                        .finishedAt(container.finishedAt())));
  }

  /**
   * Init containers first, then the main ones; those that have not ended yet are waiting or
   * running.
   */
  private void writeStatus(
      V1Pod pod,
      String phase,
      OffsetDateTime started,
      List<V1ContainerStatus> done,
      boolean active) {
    List<String> initNames =
        pod.getSpec().getInitContainers() == null
            ? List.of()
            : pod.getSpec().getInitContainers().stream().map(c -> c.getName()).toList();
    List<String> mainNames = pod.getSpec().getContainers().stream().map(c -> c.getName()).toList();
    Map<String, V1ContainerStatus> byName = new HashMap<>();
    done.forEach(status -> byName.put(status.getName(), status));
    boolean runningAssigned = false;
    List<V1ContainerStatus> init = new ArrayList<>();
    List<V1ContainerStatus> main = new ArrayList<>();
    for (String name : concat(initNames, mainNames)) {
      V1ContainerStatus status = byName.get(name);
      if (status == null) {
        boolean isRunning = active && !runningAssigned;
        runningAssigned |= isRunning;
        status =
            new V1ContainerStatus()
                .name(name)
                .image("")
                .imageID("")
                .ready(isRunning)
                .restartCount(0)
                .state(
                    isRunning
                        ? new V1ContainerState()
                            .running(new V1ContainerStateRunning().startedAt(OffsetDateTime.now()))
                        : new V1ContainerState()
                            .waiting(
                                new V1ContainerStateWaiting()
                                    .reason(active ? "PodInitializing" : "NotStarted")));
      }
      (initNames.contains(name) ? init : main).add(status);
    }
    V1PodStatus status =
        new V1PodStatus()
            .phase(phase)
            .startTime(started)
            .hostIP("127.0.0.1")
            .podIP("127.0.0.1")
            .initContainerStatuses(init)
            .containerStatuses(main)
            .conditions(
                List.of(
                    new V1PodCondition()
                        .type("Ready")
                        .status(phase.equals("Running") ? "True" : "False")
                        .lastTransitionTime(OffsetDateTime.now())));
    // A kubelet keeps the status it owes until the API server takes it, outages included.
    java.time.Instant giveUp = java.time.Instant.now().plus(java.time.Duration.ofMinutes(3));
    for (int attempt = 0; attempt < 5; ) {
      try {
        V1Pod current =
            core.readNamespacedPod(pod.getMetadata().getName(), pod.getMetadata().getNamespace())
                .execute();
        current.setStatus(status);
        core.replaceNamespacedPodStatus(
                pod.getMetadata().getName(), pod.getMetadata().getNamespace(), current)
            .execute();
        return;
      } catch (ApiException e) {
        if (e.getCode() == 404) {
          return;
        }
        if (e.getCode() == 0 && !stopped && java.time.Instant.now().isBefore(giveUp)) {
          sleepQuietly();
          continue;
        }
        attempt++;
        if (e.getCode() != 409) {
          LOG.warning(
              "cannot write the status of pod "
                  + pod.getMetadata().getName()
                  + ": "
                  + e.getCode()
                  + " "
                  + e.getResponseBody());
          return;
        }
      }
    }
  }

  private static List<String> concat(List<String> first, List<String> second) {
    List<String> all = new ArrayList<>(first);
    all.addAll(second);
    return all;
  }

  /** A fresh token of the pod's ServiceAccount, as a projected token volume would hold. */
  private String token(V1Pod pod) {
    String account = account(pod);
    try {
      return core.createNamespacedServiceAccountToken(
              account,
              pod.getMetadata().getNamespace(),
              new AuthenticationV1TokenRequest()
                  .spec(new V1TokenRequestSpec().expirationSeconds(3600L).audiences(List.of())))
          .execute()
          .getStatus()
          .getToken();
    } catch (ApiException e) {
      throw new IllegalStateException(
          "cannot get a token for ServiceAccount "
              + account
              + ": "
              + e.getCode()
              + " "
              + e.getResponseBody(),
          e);
    }
  }

  private static String account(V1Pod pod) {
    return pod.getSpec().getServiceAccountName() == null
        ? "default"
        : pod.getSpec().getServiceAccountName();
  }

  /** A kubeconfig with the pod's ServiceAccount token: how the runner finds the API server here. */
  private Path kubeconfig(V1Pod pod, Path folder, String token) {
    return Kubeconfigs.withToken(
        folder, serverUrl, caPem, account(pod), token, pod.getMetadata().getNamespace());
  }

  private LocalPod.Sources sources(String namespace, String token) {
    return new LocalPod.Sources() {
      @Override
      public String serviceAccountToken() {
        return token;
      }

      @Override
      public Map<String, String> secret(String name) {
        try {
          V1Secret secret = core.readNamespacedSecret(name, namespace).execute();
          Map<String, String> data = new HashMap<>();
          if (secret.getData() != null) {
            secret.getData().forEach((k, v) -> data.put(k, new String(v, StandardCharsets.UTF_8)));
          }
          return data;
        } catch (ApiException e) {
          if (e.getCode() == 404) {
            return null;
          }
          throw new UncheckedIOException(
              new IOException("cannot read Secret " + name + ": " + e.getCode()));
        }
      }

      @Override
      public Map<String, String> configMap(String name) {
        try {
          V1ConfigMap map = core.readNamespacedConfigMap(name, namespace).execute();
          return map.getData() == null ? Map.of() : map.getData();
        } catch (ApiException e) {
          if (e.getCode() == 404) {
            return null;
          }
          throw new UncheckedIOException(
              new IOException("cannot read ConfigMap " + name + ": " + e.getCode()));
        }
      }
    };
  }

  @Override
  public void close() {
    stopped = true;
    watcher.interrupt();
    running.values().forEach(LocalPod::stop);
    pods.shutdownNow();
    Evidence.keepFiles(work.resolve("pods"), "pod-logs", "log");
  }
}
