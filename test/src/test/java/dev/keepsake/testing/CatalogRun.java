package dev.keepsake.testing;

import com.google.gson.JsonObject;
import dev.keepsake.api.AppBinding;
import dev.keepsake.api.BackupConfiguration;
import dev.keepsake.api.BackupSession;
import dev.keepsake.api.Function;
import dev.keepsake.api.Manifests;
import dev.keepsake.api.Repository;
import dev.keepsake.api.RestoreSession;
import dev.keepsake.api.Task;
import dev.keepsake.desired.BackupJobs;
import dev.keepsake.desired.OperatorSettings;
import dev.keepsake.desired.RestoreJobs;
import dev.keepsake.resolve.BuiltIns;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * One catalog addon driven the way the operator drives it: its manifests resolved into the Job the
 * operator would create, and that Job's pod run by {@link LocalPod}. No API server is involved; the
 * Secrets are a map.
 */
final class CatalogRun {
  static final String NAMESPACE = "catalog";
  static final String REPOSITORY_SECRET = "repository-credentials";
  static final String TARGET_SECRET = "database-credentials";
  static final String TLS_SECRET = "database-tls";
  static final String RESTIC_PASSWORD = "catalog restic password";

  private final String addon;
  private final Path work;
  private final Path tools;
  private final Map<String, Function> functions = new HashMap<>(BuiltIns.functions());
  private final Map<String, Task> tasks = new HashMap<>();
  final Map<String, Map<String, String>> secrets = new HashMap<>();
  private int runs;
  private static final java.util.concurrent.atomic.AtomicInteger BUCKETS =
      new java.util.concurrent.atomic.AtomicInteger();

  CatalogRun(String addon, Path work) {
    this.addon = addon;
    this.work = work;
    this.tools = LocalTools.folder(work);
    for (JsonObject document :
        Manifests.read(Project.root().resolve("catalog").resolve(addon).resolve("addon.yaml"))) {
      switch (document.get("kind").getAsString()) {
        case "Function" ->
            functions.put(name(document), Manifests.toModel(document, Function.class));
        case "Task" -> tasks.put(name(document), Manifests.toModel(document, Task.class));
        default ->
            throw new IllegalStateException(
                "unexpected " + document.get("kind") + " in catalog/" + addon);
      }
    }
  }

  private static String name(JsonObject document) {
    return document.getAsJsonObject("metadata").get("name").getAsString();
  }

  Task task(String name) {
    Task task = tasks.get(name);
    if (task == null) {
      throw new IllegalArgumentException("catalog/" + addon + " has no Task " + name);
    }
    return task;
  }

  static <T> T model(String yaml, Class<T> type) {
    JsonObject document = Manifests.read(new StringReader(yaml)).get(0);
    document.getAsJsonObject("metadata").addProperty("namespace", NAMESPACE);
    document.getAsJsonObject("metadata").addProperty("uid", UUID.randomUUID().toString());
    return Manifests.toModel(document, type);
  }

  /** A restic repository in a local folder, reached through a hostPath volume. */
  Repository localRepository(Path folder) {
    secrets.put(REPOSITORY_SECRET, Map.of("RESTIC_PASSWORD", RESTIC_PASSWORD));
    return model(
        """
        apiVersion: keepsake.dev/v1alpha1
        kind: Repository
        metadata: {name: local}
        spec:
          backend:
            local:
              mountPath: /repository
              hostPath: {path: "%s"}
          secret: {name: %s}
        """
            .formatted(folder, REPOSITORY_SECRET),
        Repository.class);
  }

  Repository s3Repository(S3Server s3, String bucket) {
    secrets.put(
        REPOSITORY_SECRET,
        Map.of(
            "RESTIC_PASSWORD",
            RESTIC_PASSWORD,
            "AWS_ACCESS_KEY_ID",
            S3Server.ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY",
            S3Server.SECRET_KEY));
    return model(
        """
        apiVersion: keepsake.dev/v1alpha1
        kind: Repository
        metadata: {name: s3}
        spec:
          backend:
            s3: {endpoint: "%s", bucket: %s, prefix: %s, forcePathStyle: true}
          secret: {name: %s}
        """
            .formatted(s3.endpoint(), bucket, addon, REPOSITORY_SECRET),
        Repository.class);
  }

  /** A repository in this run's folder ("local") or in a fresh bucket of {@code s3} ("s3"). */
  Repository repository(String kind, S3Server s3) {
    return kind.equals("s3")
        ? s3Repository(s3, addon + "-" + BUCKETS.incrementAndGet())
        : localRepository(work.resolve("repository"));
  }

  /**
   * Runs a backup or restore that must succeed, and prints how long it took and what the runner
   * said.
   */
  LocalPod.Outcome timed(String what, java.util.function.Supplier<LocalPod.Outcome> action) {
    java.time.Instant start = java.time.Instant.now();
    LocalPod.Outcome outcome = action.get();
    org.assertj.core.api.Assertions.assertThat(outcome.succeeded()).as(describe(outcome)).isTrue();
    System.out.printf(
        "[catalog] %s %s: %s in %d ms%s%n",
        addon,
        what,
        outcome.containers().get(0).message(),
        java.time.Duration.between(start, java.time.Instant.now()).toMillis(),
        summary(outcome));
    return outcome;
  }

  /** An AppBinding to a server on loopback, its password in the target Secret. */
  AppBinding appBinding(
      String type, String url, Map<String, String> credentials, Map<String, String> parameters) {
    return appBinding(type, url, credentials, parameters, null);
  }

  /**
   * @param tls the TLS Secret's keys (ca.crt), or null for none
   */
  AppBinding appBinding(
      String type,
      String url,
      Map<String, String> credentials,
      Map<String, String> parameters,
      Map<String, String> tls) {
    secrets.put(TARGET_SECRET, credentials);
    if (tls != null) {
      secrets.put(TLS_SECRET, tls);
    }
    StringBuilder params = new StringBuilder();
    parameters.forEach(
        (k, v) -> params.append("    ").append(k).append(": \"").append(v).append("\"\n"));
    return model(
        """
        apiVersion: keepsake.dev/v1alpha1
        kind: AppBinding
        metadata: {name: database}
        spec:
          type: %s
          clientConfig: {url: "%s"}
          secret: {name: %s}%s
          parameters:
        %s"""
            .formatted(
                type,
                url,
                TARGET_SECRET,
                tls == null ? "" : "\n  tlsSecret: {name: " + TLS_SECRET + "}",
                params.isEmpty() ? "    {}\n" : params),
        AppBinding.class);
  }

  private static String paramsYaml(Map<String, String> params) {
    StringBuilder yaml = new StringBuilder("[");
    params.forEach(
        (k, v) ->
            yaml.append(yaml.length() > 1 ? ", " : "")
                .append("{name: ")
                .append(k)
                .append(", value: \"")
                .append(v.replace("\\", "\\\\").replace("\"", "\\\""))
                .append("\"}"));
    return yaml.append("]").toString();
  }

  /**
   * @param fields more fields of the target in YAML flow style, e.g. {@code exclude: ["*.log"]}, or
   *     ""
   */
  private static String targetYaml(AppBinding binding, String claim, String fields) {
    String ref =
        binding != null
            ? "ref: {apiGroup: keepsake.dev, kind: AppBinding, name: "
                + binding.getMetadata().getName()
                + "}"
            : "ref: {kind: PersistentVolumeClaim, name: " + claim + "}";
    return "{" + ref + (fields.isEmpty() ? "" : ", " + fields) + "}";
  }

  LocalPod.Outcome backup(
      Repository repository,
      AppBinding binding,
      String claim,
      String taskName,
      Map<String, String> params) {
    return backup(repository, binding, claim, "", taskName, params);
  }

  LocalPod.Outcome backup(
      Repository repository,
      AppBinding binding,
      String claim,
      String targetFields,
      String taskName,
      Map<String, String> params) {
    BackupConfiguration configuration =
        model(
            """
        apiVersion: keepsake.dev/v1alpha1
        kind: BackupConfiguration
        metadata: {name: nightly}
        spec:
          schedule: "@daily"
          repository: {name: %s}
          target: %s
          task: {name: %s, params: %s}
          retentionPolicy: {name: keep-ten, keepLast: 10, prune: false}
        """
                .formatted(
                    repository.getMetadata().getName(),
                    targetYaml(binding, claim, targetFields),
                    taskName,
                    paramsYaml(params)),
            BackupConfiguration.class);
    BackupSession session =
        model(
            """
        apiVersion: keepsake.dev/v1alpha1
        kind: BackupSession
        metadata: {name: nightly-%d}
        spec:
          invoker: {apiGroup: keepsake.dev, kind: BackupConfiguration, name: nightly}
          trigger: Manual
        """
                .formatted(++runs),
            BackupSession.class);
    return run(
        BackupJobs.forSession(
            new BackupJobs.Inputs(
                session,
                configuration,
                repository,
                binding,
                task(taskName),
                functions,
                settings())));
  }

  LocalPod.Outcome restore(
      Repository repository,
      AppBinding binding,
      String claim,
      String taskName,
      Map<String, String> params,
      String targetFields) {
    RestoreSession session =
        model(
            """
        apiVersion: keepsake.dev/v1alpha1
        kind: RestoreSession
        metadata: {name: restore-%d}
        spec:
          repository: {name: %s}
          snapshot: latest
          target: %s
          task: {name: %s, params: %s}
        """
                .formatted(
                    ++runs,
                    repository.getMetadata().getName(),
                    targetYaml(binding, claim, targetFields),
                    taskName,
                    paramsYaml(params)),
            RestoreSession.class);
    return run(
        RestoreJobs.forSession(
            new RestoreJobs.Inputs(
                session, repository, binding, task(taskName), functions, settings())));
  }

  private static OperatorSettings settings() {
    return TestOperators.settings("keepsake/runner:test", null, 600, "keepsake-job");
  }

  /** The Job's pod, as the Job controller would stamp it out, run locally. */
  LocalPod.Outcome run(V1Job job) {
    V1Pod pod =
        new V1Pod()
            .metadata(
                new V1ObjectMeta()
                    .name(job.getMetadata().getName() + "-local")
                    .namespace(NAMESPACE)
                    .labels(job.getSpec().getTemplate().getMetadata().getLabels()))
            .spec(job.getSpec().getTemplate().getSpec());
    Map<String, String> environment = new LinkedHashMap<>(LocalTools.runnerEnvironment());
    environment.put("KUBECONFIG", work.resolve("no-kubeconfig").toString());
    environment.put("KEEPSAKE_PROGRESS_INTERVAL", "2s");
    LocalPod local =
        new LocalPod(
            pod,
            new LocalPod.Sources() {
              @Override
              public Map<String, String> secret(String name) {
                return secrets.get(name);
              }

              @Override
              public Map<String, String> configMap(String name) {
                return null;
              }
            },
            work.resolve("pods").resolve(pod.getMetadata().getName()),
            tools,
            environment,
            claim -> work.resolve("claims").resolve(claim));
    return local.run(outcome -> {});
  }

  Path claim(String name) {
    return work.resolve("claims").resolve(name);
  }

  /** Every container of a pod: exit code, message and the end of its log, to explain a failure. */
  static String describe(LocalPod.Outcome outcome) {
    return outcome.containers().stream()
        .map(
            c ->
                c.name()
                    + " exit "
                    + c.exitCode()
                    + ": "
                    + c.message()
                    + "\n"
                    + LogTail.of(c.log(), 30))
        .collect(java.util.stream.Collectors.joining("\n"));
  }

  /**
   * What the runner said when each step ended: how much, how fast. For the figures the tests print.
   */
  static String summary(LocalPod.Outcome outcome) {
    StringBuilder summary = new StringBuilder();
    for (LocalPod.ContainerOutcome container : outcome.containers()) {
      try {
        java.nio.file.Files.readAllLines(container.log()).stream()
            .filter(line -> line.contains(" succeeded in ") || line.contains("MiB/s"))
            .reduce((first, second) -> second)
            .ifPresent(
                line ->
                    summary.append("\n    ").append(container.name()).append(": ").append(line));
      } catch (java.io.IOException e) {
        summary.append("\n    ").append(container.name()).append(": (no log)");
      }
    }
    return summary.toString();
  }
}
