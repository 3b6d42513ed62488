package dev.keepsake.testing;

import com.google.gson.JsonObject;
import dev.keepsake.api.ApiKind;
import dev.keepsake.api.BackupConfiguration;
import dev.keepsake.api.BackupConfigurationList;
import dev.keepsake.api.Manifests;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.CustomObjectsApi;
import io.kubernetes.client.openapi.models.V1CronJob;
import io.kubernetes.client.openapi.models.V1CronJobList;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1JobList;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the operator holds up under many objects, on the local control plane: N BackupConfigurations
 * over 100 namespaces with their Repositories, AppBindings and the Redis addon, the operator in a
 * JVM of its own (as in a pod), and figures printed as it goes. No kubelet: Jobs are made, their
 * pods stay Pending, which is all the operator's side of the work.
 *
 * <pre>
 *   bash test/bench/scale.sh 1000            # or 10000; KEEPSAKE_BENCH_IDLE=600s for the quiet period
 *   KEEPSAKE_BENCH_CREATE=before bash test/bench/scale.sh 10000   # the operator starts among them
 * </pre>
 */
public final class ScaleBenchmark {
  private static final int NAMESPACES = 100;
  private static final int SESSIONS = 100;
  private final ApiClient client;
  private final int configurations;
  private final Map<String, Instant> readyAt = new ConcurrentHashMap<>();
  private final Set<String> cronJobs = ConcurrentHashMap.newKeySet();
  private final Map<String, Instant> jobsSeen = new ConcurrentHashMap<>();
  private final Map<String, String> cronJobSchedules = new ConcurrentHashMap<>();

  /**
   * Whether the configurations are all made before the operator starts: its own pace, apart from
   * the pace at which the benchmark can create them on the same two cores.
   */
  private final boolean createFirst = "before".equals(System.getenv("KEEPSAKE_BENCH_CREATE"));

  private ScaleBenchmark(ApiClient client, int configurations) {
    this.client = client;
    this.configurations = configurations;
  }

  public static void main(String[] args) throws Exception {
    int configurations = Integer.parseInt(args.length > 0 ? args[0] : "1000");
    Duration idle =
        dev.keepsake.api.Durations.parse(
            System.getenv().getOrDefault("KEEPSAKE_BENCH_IDLE", "600s"));
    String operatorHeap = System.getenv().getOrDefault("KEEPSAKE_BENCH_OPERATOR_HEAP", "256m");
    System.out.printf(
        "scale benchmark: %,d BackupConfigurations over %d namespaces, %d cores, operator heap limit %s%n",
        configurations, NAMESPACES, Runtime.getRuntime().availableProcessors(), operatorHeap);
    try (LocalControlPlane controlPlane = LocalControlPlane.start()) {
      new ScaleBenchmark(controlPlane.client(), configurations)
          .run(controlPlane, idle, operatorHeap);
    }
    System.exit(0);
  }

  private void run(LocalControlPlane controlPlane, Duration idle, String operatorHeap)
      throws Exception {
    watch(controlPlane.watchClient());
    List<String> namespaces = new ArrayList<>();
    for (int i = 0; i < NAMESPACES; i++) {
      namespaces.add(controlPlane.createNamespaceNamed(String.format("scale-%03d", i)));
    }
    Instant inputsStart = Instant.now();
    parallel(namespaces, this::inputs);
    System.out.printf(
        "inputs (Secrets, Repository, AppBinding, addon) in %d namespaces: %.1f s%n",
        NAMESPACES, seconds(inputsStart, Instant.now()));

    List<Integer> indexes = new ArrayList<>();
    for (int i = 0; i < configurations; i++) {
      indexes.add(i);
    }
    java.util.concurrent.Callable<Void> createAll =
        () -> {
          parallel(indexes, i -> configuration(namespaces.get(i % NAMESPACES), i));
          return null;
        };
    Instant start = Instant.now();
    if (createFirst) {
      createAll.call();
      System.out.printf(
          "created %,d BackupConfigurations before the operator starts: %.1f s%n",
          configurations, seconds(start, Instant.now()));
      start = Instant.now();
    }
    Map<String, Double> cpuBeforeSync = cpuSeconds(-1);
    OperatorProcess operator = OperatorProcess.start(controlPlane, "scale", operatorHeap, Map.of());
    try {
      operator.awaitReady(Duration.ofMinutes(5));
      if (!createFirst) {
        start = Instant.now();
        createAll.call();
        System.out.printf(
            "created %,d BackupConfigurations in %.1f s%n",
            configurations, seconds(start, Instant.now()));
      }
      Instant created = createFirst ? start : Instant.now();
      awaitUntil(
          Duration.ofMinutes(30),
          () -> readyAt.size() >= configurations && cronJobs.size() >= configurations);
      Instant allReady = Collections.max(readyAt.values());
      double requestsAtSync = requests(operator, null);
      if (createFirst) {
        System.out.printf(
            "every configuration Ready and its CronJob there: %.1f s after the operator process"
                + " started among them%n",
            seconds(start, allReady));
      } else {
        System.out.printf(
            "every configuration Ready and its CronJob there: %.1f s after the first was created "
                + "(%.1f s after the last)%n",
            seconds(start, allReady), seconds(created, allReady));
      }
      System.out.printf(
          "operator API requests during the initial sync: %,.0f, %.2f per configuration (%s)%n",
          requestsAtSync, requestsAtSync / configurations, requestsByMethod(operator));
      System.out.println(delta("during the initial sync:", "", operator.metrics()));
      System.out.println(cpuUsed("the initial sync", cpuBeforeSync, cpuSeconds(operator.pid())));

      Thread.sleep(30_000);
      System.out.printf("operator at rest: %s%n", memory(operator.pid()));

      double mutatingBefore = mutating(operator);
      double allBefore = requests(operator, null);
      Thread.sleep(idle.toMillis());
      System.out.printf(
          "during %s with nothing changing: %.0f mutating requests, %.0f requests in all%n",
          dev.keepsake.api.Durations.human(idle),
          mutating(operator) - mutatingBefore,
          requests(operator, null) - allBefore);

      changeLatency(namespaces.get(7), 7);
      double mutatingBeforeBurst = mutating(operator);
      String metricsBeforeBurst = operator.metrics();
      Map<String, Double> cpuBeforeBurst = cpuSeconds(operator.pid());
      sessionLatencies(namespaces);
      System.out.println(burstDelta(metricsBeforeBurst, operator.metrics()));
      System.out.println(cpuUsed("the burst", cpuBeforeBurst, cpuSeconds(operator.pid())));
      System.out.printf(
          "operator writes until every session had its Job: %.1f per session%n",
          (mutating(operator) - mutatingBeforeBurst) / SESSIONS);
      System.out.printf("operator at the end: %s%n", memory(operator.pid()));
    } finally {
      operator.close();
    }
    restart(controlPlane, operatorHeap);
  }

  private static final Pattern CONFIGURATION_RECONCILES =
      Pattern.compile(
          "(?m)^keepsake_operator_reconciles_total\\{kind=\"BackupConfiguration\",?\\} (\\S+)$");

  /**
   * A new operator process with every configuration already there: how long until it has looked at
   * each once, and what it writes meanwhile (nothing changed, so the goal is nothing).
   */
  private void restart(LocalControlPlane controlPlane, String operatorHeap) throws Exception {
    Instant start = Instant.now();
    try (OperatorProcess operator =
        OperatorProcess.start(controlPlane, "scale-restart", operatorHeap, Map.of())) {
      operator.awaitReady(Duration.ofMinutes(5));
      Instant ready = Instant.now();
      awaitUntil(
          Duration.ofMinutes(30),
          () -> {
            try {
              Matcher matcher = CONFIGURATION_RECONCILES.matcher(operator.metrics());
              return matcher.find() && Double.parseDouble(matcher.group(1)) >= configurations;
            } catch (IOException e) {
              return false;
            }
          });
      Instant synced = Instant.now();
      System.out.printf(
          "a new operator process with %,d configurations there: ready in %.1f s, every"
              + " configuration reconciled %.1f s after start; %.0f mutating requests, %,.0f in"
              + " all (%s)%n",
          configurations,
          seconds(start, ready),
          seconds(start, synced),
          mutating(operator),
          requests(operator, null),
          requestsByMethod(operator));
    }
  }

  /**
   * The benchmark's own view: when each configuration became Ready, which CronJobs and Jobs exist.
   */
  private void watch(ApiClient watchClient) {
    SharedInformerFactory factory = new SharedInformerFactory(watchClient);
    SharedIndexInformer<BackupConfiguration> configurations =
        factory.sharedIndexInformerFor(
            new GenericKubernetesApi<>(
                BackupConfiguration.class,
                BackupConfigurationList.class,
                "keepsake.dev",
                "v1alpha1",
                "backupconfigurations",
                watchClient),
            BackupConfiguration.class,
            0);
    configurations.addEventHandler(
        handler(
            configuration -> {
              var status = configuration.getStatus();
              if (status != null
                  && status.getConditions() != null
                  && status.getConditions().stream()
                      .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()))) {
                readyAt.putIfAbsent(key(configuration.getMetadata()), Instant.now());
              }
            }));
    SharedIndexInformer<V1CronJob> cronJobInformer =
        factory.sharedIndexInformerFor(
            new GenericKubernetesApi<>(
                V1CronJob.class, V1CronJobList.class, "batch", "v1", "cronjobs", watchClient),
            V1CronJob.class,
            0);
    cronJobInformer.addEventHandler(
        handler(
            cronJob -> {
              cronJobs.add(key(cronJob.getMetadata()));
              cronJobSchedules.put(key(cronJob.getMetadata()), cronJob.getSpec().getSchedule());
            }));
    SharedIndexInformer<V1Job> jobs =
        factory.sharedIndexInformerFor(
            new GenericKubernetesApi<>(
                V1Job.class, V1JobList.class, "batch", "v1", "jobs", watchClient),
            V1Job.class,
            0);
    jobs.addEventHandler(
        handler(job -> jobsSeen.putIfAbsent(key(job.getMetadata()), Instant.now())));
    factory.startAllRegisteredInformers();
  }

  private static <T extends io.kubernetes.client.common.KubernetesObject>
      ResourceEventHandler<T> handler(java.util.function.Consumer<T> seen) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T object) {
        seen.accept(object);
      }

      @Override
      public void onUpdate(T before, T after) {
        seen.accept(after);
      }

      @Override
      public void onDelete(T object, boolean finalStateUnknown) {}
    };
  }

  private static String key(V1ObjectMeta metadata) {
    return metadata.getNamespace() + "/" + metadata.getName();
  }

  private void inputs(String namespace) {
    try {
      CoreV1Api core = new CoreV1Api(client);
      core.createNamespacedSecret(
              namespace,
              new V1Secret()
                  .metadata(new V1ObjectMeta().name("redis-auth"))
                  .stringData(Map.of("password", "scale redis password")))
          .execute();
      core.createNamespacedSecret(
              namespace,
              new V1Secret()
                  .metadata(new V1ObjectMeta().name(RedisScenario.REPOSITORY_SECRET))
                  .stringData(
                      Map.of(
                          "RESTIC_PASSWORD",
                          "scale restic password",
                          "AWS_ACCESS_KEY_ID",
                          "scale",
                          "AWS_SECRET_ACCESS_KEY",
                          "scale secret key")))
          .execute();
      RedisScenario scenario = new RedisScenario(client, namespace);
      scenario.apply(RedisScenario.s3Repository("http://127.0.0.1:9", namespace));
      scenario.apply(
          """
          apiVersion: keepsake.dev/v1alpha1
          kind: AppBinding
          metadata: {name: redis}
          spec:
            type: redis
            clientConfig: {url: "redis://127.0.0.1:6379"}
            secret: {name: redis-auth}
          """);
      for (JsonObject document :
          Manifests.read(Project.root().resolve("catalog/redis/addon.yaml"))) {
        ApiKind<?, ?> kind = ApiKind.byKind(document.get("kind").getAsString());
        new CustomObjectsApi(client)
            .createNamespacedCustomObject(
                "keepsake.dev", "v1alpha1", namespace, kind.plural(), document)
            .execute();
      }
    } catch (ApiException e) {
      throw new IllegalStateException(
          "inputs of " + namespace + ": " + e.getCode() + " " + e.getResponseBody(), e);
    }
  }

  /**
   * Spread over the hours and minutes of the first day of a month half a year away: nothing fires,
   * and no configuration's next backup time passes (each one that does is refreshed in its status,
   * a write), while the benchmark runs.
   */
  private static final int QUIET_MONTH =
      (java.time.LocalDate.now(java.time.ZoneOffset.UTC).getMonthValue() + 5) % 12 + 1;

  private static final String CHANGED_SCHEDULE = "59 23 1 " + QUIET_MONTH + " *";

  private void configuration(String namespace, int index) {
    try {
      new RedisScenario(client, namespace)
          .apply(
              """
          apiVersion: keepsake.dev/v1alpha1
          kind: BackupConfiguration
          metadata: {name: redis-%d}
          spec:
            schedule: "%d %d 1 %d *"
            repository: {name: %s}
            target:
              ref: {apiGroup: keepsake.dev, kind: AppBinding, name: redis}
            task: {name: redis-backup-7}
            retentionPolicy: {name: last-five, keepLast: 5}
          """
                  .formatted(
                      index, index % 60, (index / 60) % 24, QUIET_MONTH, RedisScenario.REPOSITORY));
    } catch (ApiException e) {
      throw new IllegalStateException(
          "configuration " + index + ": " + e.getCode() + " " + e.getResponseBody(), e);
    }
  }

  private void changeLatency(String namespace, int index) throws Exception {
    String name = "redis-" + index;
    String key = namespace + "/" + dev.keepsake.desired.Names.cronJob(name);
    Instant start = Instant.now();
    ApiKind.BACKUP_CONFIGURATION
        .api(client)
        .patch(
            namespace,
            name,
            V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
            new V1Patch("{\"spec\":{\"schedule\":\"" + CHANGED_SCHEDULE + "\"}}"))
        .throwsApiException();
    awaitUntil(Duration.ofMinutes(5), () -> CHANGED_SCHEDULE.equals(cronJobSchedules.get(key)));
    System.out.printf(
        "a changed schedule reached its CronJob in %.2f s, with %,d configurations there%n",
        seconds(start, Instant.now()), configurations);
  }

  /** BackupSessions of 100 configurations at once, each timed from its create call to its Job. */
  private void sessionLatencies(List<String> namespaces) throws Exception {
    Map<String, Instant> createdAt = new ConcurrentHashMap<>();
    List<Integer> indexes = new ArrayList<>();
    for (int i = 0; i < SESSIONS; i++) {
      indexes.add(i);
    }
    parallel(
        indexes,
        i -> {
          String namespace = namespaces.get(i % NAMESPACES);
          String name = "burst-" + i;
          try {
            new RedisScenario(client, namespace)
                .apply(
                    """
            apiVersion: keepsake.dev/v1alpha1
            kind: BackupSession
            metadata: {name: %s}
            spec:
              invoker: {apiGroup: keepsake.dev, kind: BackupConfiguration, name: redis-%d}
              trigger: Manual
            """
                        .formatted(name, i));
            createdAt.put(
                namespace + "/" + dev.keepsake.desired.Names.backupJob(name), Instant.now());
          } catch (ApiException e) {
            throw new IllegalStateException(e.getCode() + " " + e.getResponseBody(), e);
          }
        });
    awaitUntil(
        Duration.ofMinutes(10), () -> createdAt.keySet().stream().allMatch(jobsSeen::containsKey));
    List<Double> latencies = new ArrayList<>();
    createdAt.forEach((job, at) -> latencies.add(Math.max(0, seconds(at, jobsSeen.get(job)))));
    Collections.sort(latencies);
    System.out.printf(
        "%d BackupSessions at once, session to Job: fastest %.2f s, p10 %.2f s, p50 %.2f s,"
            + " p90 %.2f s, p99 %.2f s, slowest %.2f s%n",
        SESSIONS,
        latencies.get(0),
        latencies.get(latencies.size() / 10),
        latencies.get(latencies.size() / 2),
        latencies.get((int) Math.ceil(latencies.size() * 0.9) - 1),
        latencies.get((int) Math.ceil(latencies.size() * 0.99) - 1),
        latencies.get(latencies.size() - 1));
  }

  /** CPU time so far of the control plane's processes, the operator and this benchmark. */
  private static Map<String, Double> cpuSeconds(long operatorPid) {
    Map<String, Double> used = new java.util.TreeMap<>();
    ProcessHandle.allProcesses()
        .forEach(
            process -> {
              String command = process.info().command().orElse("");
              String who =
                  process.pid() == operatorPid
                      ? "operator"
                      : process.pid() == ProcessHandle.current().pid()
                          ? "benchmark"
                          : command.endsWith("/kube-apiserver")
                              ? "kube-apiserver"
                              : command.endsWith("/etcd")
                                  ? "etcd"
                                  : command.endsWith("/kube-controller-manager")
                                      ? "kube-controller-manager"
                                      : null;
              if (who != null) {
                process
                    .info()
                    .totalCpuDuration()
                    .ifPresent(cpu -> used.merge(who, cpu.toMillis() / 1000.0, Double::sum));
              }
            });
    return used;
  }

  private static String cpuUsed(
      String during, Map<String, Double> before, Map<String, Double> after) {
    StringBuilder cpu = new StringBuilder("CPU seconds used during " + during + ":");
    after.forEach(
        (who, seconds) ->
            cpu.append(String.format(" %s %.1f,", who, seconds - before.getOrDefault(who, 0.0))));
    return cpu.substring(0, cpu.length() - 1);
  }

  /** What the operator did during the burst, by request kind and resource, and its reconciles. */
  private static String burstDelta(String before, String after) {
    return delta("during the burst:", before, after);
  }

  /** The operator's request and reconcile counters that grew from one scrape to another. */
  private static String delta(String title, String before, String after) {
    Pattern line =
        Pattern.compile(
            "(?m)^(keepsake_operator_(?:api_requests_total|reconcile_duration_seconds_(?:sum|count))\\{[^}]*\\}) (\\S+)$");
    Map<String, Double> start = new java.util.HashMap<>();
    Matcher m = line.matcher(before);
    while (m.find()) {
      start.put(m.group(1), Double.parseDouble(m.group(2)));
    }
    StringBuilder text = new StringBuilder(title);
    m = line.matcher(after);
    while (m.find()) {
      double delta = Double.parseDouble(m.group(2)) - start.getOrDefault(m.group(1), 0.0);
      if (delta > 0) {
        text.append(String.format("%n  %s %.2f", m.group(1), delta));
      }
    }
    return text.toString();
  }

  private static final Pattern REQUESTS =
      Pattern.compile(
          "(?m)^keepsake_operator_api_requests_total\\{method=\"(\\w+)\",resource=\"([^\"]*)\",?\\} (\\S+)$");

  /** The operator's requests so far, of one method or all. */
  private static double requests(OperatorProcess operator, String method) throws IOException {
    Matcher matcher = REQUESTS.matcher(operator.metrics());
    double sum = 0;
    while (matcher.find()) {
      if (method == null || method.equals(matcher.group(1))) {
        sum += Double.parseDouble(matcher.group(3));
      }
    }
    return sum;
  }

  private static double mutating(OperatorProcess operator) throws IOException {
    return requests(operator, "POST")
        + requests(operator, "PUT")
        + requests(operator, "PATCH")
        + requests(operator, "DELETE");
  }

  private static String requestsByMethod(OperatorProcess operator) throws IOException {
    StringBuilder text = new StringBuilder();
    for (String method : List.of("GET", "POST", "PUT", "PATCH", "DELETE")) {
      text.append(text.isEmpty() ? "" : ", ")
          .append(method)
          .append(' ')
          .append(String.format("%,.0f", requests(operator, method)));
    }
    return text.toString();
  }

  /** Heap in use after a full collection, and the resident memory of the process. */
  private static String memory(long pid) throws IOException, InterruptedException {
    new ProcessBuilder("jcmd", Long.toString(pid), "GC.run")
        .redirectErrorStream(true)
        .start()
        .waitFor();
    Process info =
        new ProcessBuilder("jcmd", Long.toString(pid), "GC.heap_info")
            .redirectErrorStream(true)
            .start();
    String heap = new String(info.getInputStream().readAllBytes());
    info.waitFor();
    Matcher used = Pattern.compile("total (\\d+)K, used (\\d+)K").matcher(heap);
    long usedKib = 0;
    while (used.find()) {
      usedKib += Long.parseLong(used.group(2));
    }
    String rss =
        Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
            .filter(l -> l.startsWith("VmRSS:"))
            .map(l -> l.replaceAll("\\D+", ""))
            .findFirst()
            .orElse("0");
    return String.format(
        "heap used %.1f MiB after a full GC, RSS %.1f MiB",
        usedKib / 1024.0, Long.parseLong(rss) / 1024.0);
  }

  private static <T> void parallel(List<T> items, java.util.function.Consumer<T> work)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (T item : items) {
        futures.add(pool.submit(() -> work.accept(item)));
      }
      for (Future<?> future : futures) {
        future.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  private static void awaitUntil(Duration atMost, java.util.function.BooleanSupplier done)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(atMost);
    while (!done.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("not done within " + atMost);
      }
      Thread.sleep(100);
    }
  }

  private static double seconds(Instant from, Instant to) {
    return Duration.between(from, to).toMillis() / 1000.0;
  }
}
