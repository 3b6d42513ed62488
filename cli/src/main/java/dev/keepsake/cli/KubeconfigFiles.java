package dev.keepsake.cli;

import io.kubernetes.client.util.KubeConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The user's kubeconfig as kubectl reads it: --kubeconfig, else every file of $KUBECONFIG merged
 * (the first file to name a cluster, user, context or current context wins), else ~/.kube/config.
 */
final class KubeconfigFiles {
  /** The fields whose relative paths are relative to the file that holds them. */
  private static final Set<String> PATHS =
      Set.of("certificate-authority", "client-certificate", "client-key", "tokenFile");

  private KubeconfigFiles() {}

  static List<Path> of(String flag, Map<String, String> env) {
    if (flag != null) {
      if (!Files.isRegularFile(Path.of(flag))) {
        throw new CliException("no cluster: kubeconfig " + flag + " does not exist");
      }
      return List.of(Path.of(flag));
    }
    String variable = env.get("KUBECONFIG");
    if (variable != null && !variable.isBlank()) {
      List<Path> files = new ArrayList<>();
      for (String part : variable.split(":")) {
        if (!part.isBlank() && Files.isRegularFile(Path.of(part))) {
          files.add(Path.of(part));
        }
      }
      if (files.isEmpty()) {
        throw new CliException("no cluster: no file of KUBECONFIG=" + variable + " exists");
      }
      return files;
    }
    Path home =
        Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".kube", "config");
    if (!Files.isRegularFile(home)) {
      throw new CliException("no cluster: KUBECONFIG is not set and " + home + " does not exist");
    }
    return List.of(home);
  }

  /**
   * The merged kubeconfig; a file that cannot be read is named with where it went wrong, never with
   * its content.
   */
  static KubeConfig load(List<Path> files) {
    Map<String, Object> clusters = new LinkedHashMap<>();
    Map<String, Object> users = new LinkedHashMap<>();
    Map<String, Object> contexts = new LinkedHashMap<>();
    String current = null;
    for (Path file : files) {
      Map<String, Object> document = read(file);
      mergeNamed(clusters, document.get("clusters"), "cluster", file);
      mergeNamed(users, document.get("users"), "user", file);
      mergeNamed(contexts, document.get("contexts"), "context", file);
      if (current == null
          && document.get("current-context") instanceof String named
          && !named.isBlank()) {
        current = named;
      }
    }
    KubeConfig config =
        new KubeConfig(
            new ArrayList<>(contexts.values()),
            new ArrayList<>(clusters.values()),
            new ArrayList<>(users.values()));
    if (current != null) {
      config.setContext(current);
    }
    return config;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> read(Path file) {
    try (Reader reader = Files.newBufferedReader(file)) {
      Object loaded = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
      if (loaded == null) {
        return Map.of();
      }
      if (!(loaded instanceof Map)) {
        throw new CliException("no cluster: kubeconfig " + file + " is not a YAML mapping");
      }
      return (Map<String, Object>) loaded;
    } catch (MarkedYAMLException e) {
      // Its message quotes the line, which may hold a token: only the place and the problem are
      // told.
      throw new CliException(
          "no cluster: kubeconfig "
              + file
              + " is not valid YAML: "
              + e.getProblem()
              + " at line "
              + (e.getProblemMark().getLine() + 1)
              + ", column "
              + (e.getProblemMark().getColumn() + 1));
    } catch (YAMLException | IOException e) {
      throw new CliException(
          "no cluster: cannot read kubeconfig " + file + ": " + e.getClass().getSimpleName());
    }
  }

  @SuppressWarnings("unchecked")
  private static void mergeNamed(Map<String, Object> merged, Object list, String what, Path file) {
    if (!(list instanceof List<?> entries)) {
      return;
    }
    for (Object entry : entries) {
      if (entry instanceof Map<?, ?> map
          && map.get("name") instanceof String name
          && !merged.containsKey(name)) {
        Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) map);
        if (copy.get(what) instanceof Map<?, ?> body) {
          copy.put(
              what, absolutePaths((Map<String, Object>) body, file.toAbsolutePath().getParent()));
        }
        merged.put(name, copy);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> absolutePaths(Map<String, Object> body, Path folder) {
    Map<String, Object> copy = new LinkedHashMap<>(body);
    copy.replaceAll(
        (key, value) ->
            PATHS.contains(key)
                    && value instanceof String path
                    && !path.isBlank()
                    && !Path.of(path).isAbsolute()
                ? folder.resolve(path).toString()
                : value);
    if (copy.get("exec") instanceof Map<?, ?> exec
        && exec.get("command") instanceof String command
        && command.contains("/")
        && !Path.of(command).isAbsolute()) {
      Map<String, Object> execCopy = new LinkedHashMap<>((Map<String, Object>) exec);
      execCopy.put("command", folder.resolve(command).toString());
      copy.put("exec", execCopy);
    }
    return copy;
  }
}
