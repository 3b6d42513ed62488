package dev.keepsake.testing;

import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EnvFromSource;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1KeyToPath;
import io.kubernetes.client.openapi.models.V1ObjectFieldSelector;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1ProjectedVolumeSource;
import io.kubernetes.client.openapi.models.V1Volume;
import io.kubernetes.client.openapi.models.V1VolumeMount;
import io.kubernetes.client.openapi.models.V1VolumeProjection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs a Pod's containers as local processes, the way a kubelet would run them in a container
 * runtime: init containers one after the other (the first failure ends the pod), then the main
 * container; environment from values, {@code secretKeyRef}, {@code configMapKeyRef}, {@code
 * envFrom} and {@code fieldRef}, with {@code $(VAR)} expansion in command, args and values; volumes
 * as local folders; the termination message from the runner's termination log, or the log's tail
 * with {@code FallbackToLogsOnError}.
 *
 * <p>What it does not emulate: images (every image is the local tool set on {@link #tools}), file
 * system isolation (a mount path is translated to its local folder wherever it starts an argument
 * or an environment value, or follows {@code =} or a quote in one), users and security contexts,
 * resource limits, probes, restarts, sidecars, network namespaces (the pod shares the host's
 * loopback), and projected service-account tokens (a kubeconfig is given through {@code KUBECONFIG}
 * instead).
 */
public final class LocalPod {
  /**
   * Where Secrets and ConfigMaps come from: the API server, or a map in a test. Null when missing.
   */
  public interface Sources {
    Map<String, String> secret(String name);

    Map<String, String> configMap(String name);

    /** A token of the pod's ServiceAccount, for projected token volumes; none by default. */
    default String serviceAccountToken() {
      return "";
    }
  }

  /** How one container ended, as its containerStatus would say. */
  public record ContainerOutcome(
      String name,
      int exitCode,
      String reason,
      String message,
      OffsetDateTime startedAt,
      OffsetDateTime finishedAt,
      Path log) {
    public boolean succeeded() {
      return exitCode == 0;
    }
  }

  /** How the pod ended: every container that ran, in order. */
  public record Outcome(List<ContainerOutcome> containers) {
    public boolean succeeded() {
      return !containers.isEmpty() && containers.stream().allMatch(ContainerOutcome::succeeded);
    }

    public ContainerOutcome last() {
      return containers.get(containers.size() - 1);
    }
  }

  private static final Pattern EXPANSION =
      Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_.-]*)\\)|\\$\\$");
  private static final int TAIL_LINES = 80;
  private static final int TAIL_BYTES = 2048;

  private final V1Pod pod;
  private final Sources sources;
  private final Path root;
  private final Path tools;
  private static final String SERVICE_ACCOUNT_PATH =
      "/var/run/secrets/kubernetes.io/serviceaccount";
  private final Map<String, String> extraEnvironment;
  private final Function<String, Path> claims;
  private volatile Process current;
  private volatile boolean stopped;

  /**
   * @param root a folder of this pod's own: emptyDirs, logs, termination messages
   * @param tools a folder whose commands stand for the images' (keepsake, restic, database clients)
   * @param extraEnvironment added to every container (KUBECONFIG, Java options)
   * @param claims the local folder of a PersistentVolumeClaim
   */
  public LocalPod(
      V1Pod pod,
      Sources sources,
      Path root,
      Path tools,
      Map<String, String> extraEnvironment,
      Function<String, Path> claims) {
    this.pod = pod;
    this.sources = sources;
    this.root = root;
    this.tools = tools;
    this.extraEnvironment = extraEnvironment;
    this.claims = claims;
  }

  public Outcome run(Consumer<ContainerOutcome> afterEach) {
    List<ContainerOutcome> outcomes = new ArrayList<>();
    List<V1Container> sequence = new ArrayList<>();
    if (pod.getSpec().getInitContainers() != null) {
      sequence.addAll(pod.getSpec().getInitContainers());
    }
    sequence.addAll(pod.getSpec().getContainers());
    for (V1Container container : sequence) {
      if (stopped) {
        break;
      }
      ContainerOutcome outcome = runContainer(container);
      outcomes.add(outcome);
      afterEach.accept(outcome);
      if (!outcome.succeeded()) {
        break;
      }
    }
    return new Outcome(outcomes);
  }

  /** Stops the running container and everything it started, as a pod deletion would. */
  public void stop() {
    stopped = true;
    Process process = current;
    if (process != null) {
      process.descendants().forEach(ProcessHandle::destroy);
      process.destroy();
    }
  }

  private ContainerOutcome runContainer(V1Container container) {
    OffsetDateTime started = OffsetDateTime.now();
    Path log = root.resolve(container.getName() + ".log");
    Path terminationLog = root.resolve(container.getName() + ".termination-log");
    try {
      Files.createDirectories(root);
      Map<String, Path> mounts = mounts(container);
      Map<String, String> environment;
      try {
        environment = environment(container);
      } catch (MissingReference e) {
        return new ContainerOutcome(
            container.getName(),
            1,
            "CreateContainerConfigError",
            e.getMessage(),
            started,
            OffsetDateTime.now(),
            log);
      }
      List<String> argv = new ArrayList<>();
      Stream.ofNullable(container.getCommand()).flatMap(List::stream).forEach(argv::add);
      Stream.ofNullable(container.getArgs()).flatMap(List::stream).forEach(argv::add);
      if (argv.isEmpty()) {
        return new ContainerOutcome(
            container.getName(),
            1,
            "CreateContainerError",
            "no command: the local pod cannot use an image's entrypoint",
            started,
            OffsetDateTime.now(),
            log);
      }
      List<String> command =
          argv.stream().map(a -> translate(expand(a, environment), mounts)).toList();
      Map<String, String> processEnvironment = new LinkedHashMap<>();
      environment.forEach((k, v) -> processEnvironment.put(k, translate(v, mounts)));
      processEnvironment.put("PATH", tools + ":" + System.getenv("PATH"));
      processEnvironment.put("KEEPSAKE_TERMINATION_LOG", terminationLog.toString());
      processEnvironment.putAll(extraEnvironment);
      if (!reachesTheApi(container)) {
        processEnvironment.remove("KUBECONFIG");
      }
      Files.deleteIfExists(terminationLog);
      Path workingDir =
          container.getWorkingDir() == null
              ? Files.createDirectories(root.resolve(container.getName() + ".cwd"))
              : Path.of(translate(container.getWorkingDir(), mounts));
      ProcessBuilder builder =
          new ProcessBuilder(resolveExecutable(command))
              .directory(workingDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      builder.environment().clear();
      builder.environment().putAll(processEnvironment);
      Process process;
      try {
        process = builder.start();
      } catch (IOException e) {
        return new ContainerOutcome(
            container.getName(),
            127,
            "StartError",
            "cannot start " + command.get(0) + ": " + e.getMessage(),
            started,
            OffsetDateTime.now(),
            log);
      }
      current = process;
      int exit = process.waitFor();
      current = null;
      String message = Files.exists(terminationLog) ? Files.readString(terminationLog).trim() : "";
      if (message.isEmpty()
          && exit != 0
          && "FallbackToLogsOnError".equals(container.getTerminationMessagePolicy())) {
        message = tail(log);
      }
      return new ContainerOutcome(
          container.getName(),
          exit,
          exit == 0 ? "Completed" : "Error",
          message.isEmpty() ? null : message,
          started,
          OffsetDateTime.now(),
          log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop();
      return new ContainerOutcome(
          container.getName(), 137, "Error", "stopped", started, OffsetDateTime.now(), log);
    }
  }

  private List<String> resolveExecutable(List<String> command) {
    List<String> resolved = new ArrayList<>(command);
    String name = command.get(0);
    if (!name.contains("/") && Files.isExecutable(tools.resolve(name))) {
      resolved.set(0, tools.resolve(name).toString());
    }
    return resolved;
  }

  /**
   * As a kubelet does: a container has the ServiceAccount's token when the pod automounts it, or
   * when the container mounts a volume at the token's path itself.
   */
  private boolean reachesTheApi(V1Container container) {
    if (!Boolean.FALSE.equals(pod.getSpec().getAutomountServiceAccountToken())) {
      return true;
    }
    return container.getVolumeMounts() != null
        && container.getVolumeMounts().stream()
            .anyMatch(mount -> SERVICE_ACCOUNT_PATH.equals(mount.getMountPath()));
  }

  /** mountPath → local folder, longest mount path first so nested mounts translate correctly. */
  private Map<String, Path> mounts(V1Container container) throws IOException {
    Map<String, V1Volume> volumes = new LinkedHashMap<>();
    Stream.ofNullable(pod.getSpec().getVolumes())
        .flatMap(List::stream)
        .forEach(v -> volumes.put(v.getName(), v));
    List<V1VolumeMount> declared =
        new ArrayList<>(
            container.getVolumeMounts() == null ? List.of() : container.getVolumeMounts());
    declared.sort(Comparator.comparing((V1VolumeMount m) -> m.getMountPath().length()).reversed());
    Map<String, Path> mounts = new LinkedHashMap<>();
    for (V1VolumeMount mount : declared) {
      V1Volume volume = volumes.get(mount.getName());
      if (volume == null) {
        throw new IllegalStateException(
            "container "
                + container.getName()
                + " mounts volume "
                + mount.getName()
                + ", which the pod does not have");
      }
      Path folder = volumeFolder(volume);
      mounts.put(
          mount.getMountPath().replaceAll("/+$", ""),
          mount.getSubPath() == null
              ? folder
              : Files.createDirectories(folder.resolve(mount.getSubPath())));
    }
    return mounts;
  }

  private Path volumeFolder(V1Volume volume) throws IOException {
    if (volume.getHostPath() != null) {
      return Files.createDirectories(Path.of(volume.getHostPath().getPath()));
    }
    if (volume.getPersistentVolumeClaim() != null) {
      return Files.createDirectories(
          claims.apply(volume.getPersistentVolumeClaim().getClaimName()));
    }
    Path folder = Files.createDirectories(root.resolve("volumes").resolve(volume.getName()));
    if (volume.getSecret() != null) {
      writeFiles(
          folder,
          sources.secret(volume.getSecret().getSecretName()),
          volume.getSecret().getItems(),
          "Secret " + volume.getSecret().getSecretName(),
          Boolean.TRUE.equals(volume.getSecret().getOptional()));
    } else if (volume.getConfigMap() != null) {
      writeFiles(
          folder,
          sources.configMap(volume.getConfigMap().getName()),
          volume.getConfigMap().getItems(),
          "ConfigMap " + volume.getConfigMap().getName(),
          Boolean.TRUE.equals(volume.getConfigMap().getOptional()));
    } else if (volume.getProjected() != null) {
      writeProjected(folder, volume.getProjected());
    } else if (volume.getEmptyDir() == null) {
      throw new IllegalStateException(
          "volume " + volume.getName() + " is of a kind the local pod does not emulate");
    }
    return folder;
  }

  /**
   * The service-account volume (token, ca.crt, namespace) and other projections of Secrets,
   * ConfigMaps and fields.
   */
  private void writeProjected(Path folder, V1ProjectedVolumeSource projected) throws IOException {
    for (V1VolumeProjection source :
        projected.getSources() == null ? List.<V1VolumeProjection>of() : projected.getSources()) {
      if (source.getServiceAccountToken() != null) {
        Files.writeString(
            folder.resolve(source.getServiceAccountToken().getPath()),
            sources.serviceAccountToken());
      } else if (source.getConfigMap() != null) {
        writeFiles(
            folder,
            sources.configMap(source.getConfigMap().getName()),
            source.getConfigMap().getItems(),
            "ConfigMap " + source.getConfigMap().getName(),
            true);
      } else if (source.getSecret() != null) {
        writeFiles(
            folder,
            sources.secret(source.getSecret().getName()),
            source.getSecret().getItems(),
            "Secret " + source.getSecret().getName(),
            Boolean.TRUE.equals(source.getSecret().getOptional()));
      } else if (source.getDownwardAPI() != null && source.getDownwardAPI().getItems() != null) {
        for (var item : source.getDownwardAPI().getItems()) {
          if (item.getFieldRef() != null) {
            Files.writeString(folder.resolve(item.getPath()), field(item.getFieldRef()));
          }
        }
      }
    }
  }

  private static void writeFiles(
      Path folder, Map<String, String> data, List<V1KeyToPath> items, String what, boolean optional)
      throws IOException {
    if (data == null) {
      if (optional) {
        return;
      }
      throw new IllegalStateException(what + " does not exist");
    }
    if (items == null || items.isEmpty()) {
      for (Map.Entry<String, String> entry : data.entrySet()) {
        Files.writeString(folder.resolve(entry.getKey()), entry.getValue());
      }
    } else {
      for (V1KeyToPath item : items) {
        Path file = folder.resolve(item.getPath());
        Files.createDirectories(file.getParent());
        Files.writeString(
            file,
            Objects.requireNonNull(data.get(item.getKey()), what + " has no key " + item.getKey()));
      }
    }
  }

  private Map<String, String> environment(V1Container container) {
    Map<String, String> environment = new LinkedHashMap<>();
    for (V1EnvFromSource from :
        container.getEnvFrom() == null ? List.<V1EnvFromSource>of() : container.getEnvFrom()) {
      String prefix = from.getPrefix() == null ? "" : from.getPrefix();
      Map<String, String> data;
      if (from.getSecretRef() != null) {
        data = sources.secret(from.getSecretRef().getName());
        if (data == null && !Boolean.TRUE.equals(from.getSecretRef().getOptional())) {
          throw new MissingReference("secret \"" + from.getSecretRef().getName() + "\" not found");
        }
      } else {
        data = sources.configMap(from.getConfigMapRef().getName());
        if (data == null && !Boolean.TRUE.equals(from.getConfigMapRef().getOptional())) {
          throw new MissingReference(
              "configmap \"" + from.getConfigMapRef().getName() + "\" not found");
        }
      }
      if (data != null) {
        data.forEach((k, v) -> environment.put(prefix + k, v));
      }
    }
    for (V1EnvVar variable :
        container.getEnv() == null ? List.<V1EnvVar>of() : container.getEnv()) {
      String value = valueOf(variable, environment);
      if (value != null) {
        environment.put(variable.getName(), value);
      }
    }
    return environment;
  }

  private String valueOf(V1EnvVar variable, Map<String, String> defined) {
    if (variable.getValueFrom() == null) {
      return expand(variable.getValue() == null ? "" : variable.getValue(), defined);
    }
    var from = variable.getValueFrom();
    if (from.getSecretKeyRef() != null) {
      var ref = from.getSecretKeyRef();
      return keyOf(
          sources.secret(ref.getName()),
          ref.getKey(),
          "secret",
          ref.getName(),
          Boolean.TRUE.equals(ref.getOptional()));
    }
    if (from.getConfigMapKeyRef() != null) {
      var ref = from.getConfigMapKeyRef();
      return keyOf(
          sources.configMap(ref.getName()),
          ref.getKey(),
          "configmap",
          ref.getName(),
          Boolean.TRUE.equals(ref.getOptional()));
    }
    if (from.getFieldRef() != null) {
      return field(from.getFieldRef());
    }
    throw new MissingReference(
        "env " + variable.getName() + " uses a source the local pod does not emulate");
  }

  private static String keyOf(
      Map<String, String> data, String key, String kind, String name, boolean optional) {
    if (data == null || !data.containsKey(key)) {
      if (optional) {
        return null;
      }
      throw new MissingReference(
          data == null
              ? kind + " \"" + name + "\" not found"
              : "couldn't find key " + key + " in " + kind + " " + name);
    }
    return data.get(key);
  }

  private String field(V1ObjectFieldSelector selector) {
    String path = selector.getFieldPath();
    Matcher label = Pattern.compile("metadata\\.(labels|annotations)\\['(.+)'\\]").matcher(path);
    if (label.matches()) {
      Map<String, String> map =
          label.group(1).equals("labels")
              ? pod.getMetadata().getLabels()
              : pod.getMetadata().getAnnotations();
      return map == null ? "" : map.getOrDefault(label.group(2), "");
    }
    return switch (path) {
      case "metadata.name" -> pod.getMetadata().getName();
      case "metadata.namespace" -> pod.getMetadata().getNamespace();
      case "metadata.uid" -> pod.getMetadata().getUid();
      case "spec.serviceAccountName" -> pod.getSpec().getServiceAccountName();
      case "spec.nodeName" -> Objects.requireNonNullElse(pod.getSpec().getNodeName(), "localhost");
      case "status.podIP", "status.hostIP" -> "127.0.0.1";
      default ->
          throw new MissingReference("fieldRef " + path + " is not emulated by the local pod");
    };
  }

  /**
   * Kubernetes' $(VAR) expansion: defined names are replaced, undefined ones left as written, $$ is
   * $.
   */
  static String expand(String text, Map<String, String> defined) {
    Matcher matcher = EXPANSION.matcher(text);
    StringBuilder result = new StringBuilder();
    while (matcher.find()) {
      String replacement =
          matcher.group(1) == null ? "$" : defined.getOrDefault(matcher.group(1), matcher.group());
      matcher.appendReplacement(result, Matcher.quoteReplacement(replacement));
    }
    matcher.appendTail(result);
    return result.toString();
  }

  /**
   * A container path at the start of a value, or after =, :, a comma or a quote, becomes its local
   * folder. One pass with the longest mount paths first, so a translated path is never translated
   * again.
   */
  static String translate(String value, Map<String, Path> mounts) {
    if (mounts.isEmpty()) {
      return value;
    }
    String alternatives =
        String.join(
            "|",
            mounts.keySet().stream()
                .sorted(Comparator.comparing(String::length).reversed())
                .map(Pattern::quote)
                .toList());
    Matcher matcher =
        Pattern.compile("(^|[=\":,])(" + alternatives + ")(?=/|\"|$|,)").matcher(value);
    StringBuilder result = new StringBuilder();
    while (matcher.find()) {
      matcher.appendReplacement(
          result, Matcher.quoteReplacement(matcher.group(1) + mounts.get(matcher.group(2))));
    }
    matcher.appendTail(result);
    return result.toString();
  }

  private static String tail(Path log) throws IOException {
    if (!Files.exists(log)) {
      return "";
    }
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    String tail =
        String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
    return tail.length() > TAIL_BYTES ? tail.substring(tail.length() - TAIL_BYTES) : tail;
  }

  private static final class MissingReference extends RuntimeException {
    MissingReference(String message) {
      super(message);
    }
  }
}
