package dev.keepsake.desired;

import com.google.gson.JsonElement;
import dev.keepsake.api.AppBinding;
import dev.keepsake.api.ClientConfig;
import dev.keepsake.api.ServiceReference;
import dev.keepsake.api.Target;
import dev.keepsake.resolve.ReservedVariables;
import dev.keepsake.resolve.ResolutionException;
import dev.keepsake.resolve.Variables;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The ${TARGET_*} variables: where the application is, or which paths of a volume. */
final class TargetVariables {
  /** Where a PersistentVolumeClaim target is mounted in the Job's containers. */
  static final String TARGET_MOUNT = "/target";

  private TargetVariables() {}

  static void add(
      Variables.Builder variables, String namespace, Target target, AppBinding binding) {
    variables
        .set("TARGET_KIND", target.getRef().getKind())
        .set("TARGET_NAME", target.getRef().getName());
    if (binding != null) {
      addApplication(variables, namespace, binding);
    }
    for (int i = 0; target.getPaths() != null && i < target.getPaths().size(); i++) {
      refuseClimbing(target.getPaths().get(i), "spec.target.paths[" + i + "]");
    }
    List<String> paths =
        target.getPaths() == null || target.getPaths().isEmpty()
            ? List.of(TARGET_MOUNT)
            : target.getPaths().stream().map(p -> TARGET_MOUNT + (p.equals("/") ? "" : p)).toList();
    // Relative to the mount, for steps that run in /target so that snapshots hold the volume's own
    // layout.
    List<String> relative =
        target.getPaths() == null || target.getPaths().isEmpty()
            ? List.of(".")
            : target.getPaths().stream()
                .map(p -> p.equals("/") ? "." : p.replaceFirst("^/+", ""))
                .toList();
    variables
        .list("TARGET_PATHS", paths)
        .list("PATH_FLAGS", flags("--path", paths))
        .list("RELATIVE_PATH_FLAGS", flags("--path", relative))
        .list("INCLUDE_FLAGS", flags("--include", target.getInclude()))
        .list("EXCLUDE_FLAGS", flags("--exclude", target.getExclude()));
  }

  private static void addApplication(
      Variables.Builder variables, String namespace, AppBinding binding) {
    variables
        .set("TARGET_TYPE", binding.getSpec().getType())
        .set("TARGET_VERSION", binding.getSpec().getVersion())
        .set(
            "TARGET_SECRET",
            binding.getSpec().getSecret() == null ? null : binding.getSpec().getSecret().getName())
        .set(
            "TARGET_TLS_SECRET",
            binding.getSpec().getTlsSecret() == null
                ? null
                : binding.getSpec().getTlsSecret().getName());
    ClientConfig client = binding.getSpec().getClientConfig();
    if (client.getService() != null) {
      ServiceReference service = client.getService();
      String serviceNamespace = service.getNamespace() == null ? namespace : service.getNamespace();
      variables
          .set("TARGET_HOST", service.getName() + "." + serviceNamespace + ".svc")
          .set("TARGET_PORT", service.getPort())
          .set("TARGET_SCHEME", service.getScheme());
    } else if (client.getUrl() != null) {
      URI url = URI.create(client.getUrl());
      variables
          .set("TARGET_URL", client.getUrl())
          .set("TARGET_HOST", url.getHost())
          .set("TARGET_SCHEME", url.getScheme())
          .set("TARGET_PORT", url.getPort() > 0 ? Integer.toString(url.getPort()) : null);
    }
    if (binding.getSpec().getParameters() != null) {
      for (Map.Entry<String, JsonElement> parameter :
          binding.getSpec().getParameters().entrySet()) {
        if (parameter.getValue().isJsonPrimitive()) {
          String name = upperSnake(parameter.getKey());
          ReservedVariables.refuseIfReserved(
              name,
              "spec.parameters."
                  + parameter.getKey()
                  + " of AppBinding "
                  + binding.getMetadata().getName());
          variables.set(name, parameter.getValue().getAsString());
        }
      }
    }
  }

  /** A path with a ".." segment would reach outside the target's volume. */
  static void refuseClimbing(String path, String field) {
    if (path != null && java.util.Arrays.asList(path.split("/")).contains("..")) {
      throw new ResolutionException(
          "PathOutsideTarget", field + " is " + path + ": a .. segment would leave the target");
    }
  }

  static List<String> flags(String flag, List<String> values) {
    List<String> flags = new ArrayList<>();
    if (values != null) {
      values.forEach(
          value -> {
            flags.add(flag);
            flags.add(value);
          });
    }
    return flags;
  }

  /** sslMode → SSL_MODE, database → DATABASE: AppBinding parameters as variable names. */
  static String upperSnake(String name) {
    return name.replaceAll("([a-z0-9])([A-Z])", "$1_$2")
        .replaceAll("[^A-Za-z0-9_]", "_")
        .toUpperCase(Locale.ROOT);
  }
}
