package dev.keepsake.cli;

import dev.keepsake.api.ApiKind;
import dev.keepsake.api.Resource;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import io.kubernetes.client.util.generic.KubernetesApiResponse;
import io.kubernetes.client.util.generic.options.ListOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The cluster as the user's kubeconfig reaches it, and the reads and writes the commands make. */
final class Kube {
  private final ApiClient client;
  private final String namespace;
  private final String server;

  private Kube(ApiClient client, String namespace, String server) {
    this.client = client;
    this.namespace = namespace;
    this.server = server;
  }

  /**
   * Connects the way kubectl does: the kubeconfig files it would read, the context and namespace it
   * would use.
   */
  static Kube connect(KubeOptions options, Map<String, String> env) {
    List<Path> files = KubeconfigFiles.of(options.kubeconfig, env);
    KubeConfig config = KubeconfigFiles.load(files);
    String where =
        files.size() == 1 ? "kubeconfig " + files.get(0) : "the kubeconfig files " + files;
    if (options.context != null && !config.setContext(options.context)) {
      throw new CliException("no cluster: context \"" + options.context + "\" is not in " + where);
    }
    if (config.getServer() == null) {
      throw new CliException(
          "no cluster: "
              + where
              + " has no current context with a server"
              + " (kubectl config use-context NAME, or --context)");
    }
    ApiClient client;
    try {
      client = ClientBuilder.kubeconfig(config).setReadTimeout(options.requestTimeout).build();
    } catch (IOException | RuntimeException e) {
      throw new CliException(
          "no cluster: "
              + where
              + " cannot be used: "
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    }
    client.setConnectTimeout(5_000);
    String namespace =
        options.namespace != null
            ? options.namespace
            : config.getNamespace() != null ? config.getNamespace() : "default";
    if (!namespace.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
      throw CliException.usage(
          "namespace \"" + namespace + "\" is not a namespace name (a DNS label)");
    }
    return new Kube(client, namespace, config.getServer());
  }

  ApiClient client() {
    return client;
  }

  String namespace() {
    return namespace;
  }

  String server() {
    return server;
  }

  /** A name the API server could not look up is a command line that cannot be used. */
  private static void checkName(ApiKind<?, ?> kind, String name) {
    if (name == null || !name.matches("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?")) {
      throw CliException.usage(
          kind.kind()
              + " name \""
              + name
              + "\" is not a Kubernetes object name"
              + " (lower-case letters, digits, '-' and '.')");
    }
  }

  /** The object, or a one-line error naming it when it does not exist. */
  <T extends Resource<?, ?, T>> T get(ApiKind<T, ?> kind, String namespace, String name) {
    checkName(kind, name);
    KubernetesApiResponse<T> response = send(() -> kind.api(client).get(namespace, name));
    if (response.getHttpStatusCode() == 404) {
      throw new CliException(kind.kind() + " " + name + " not found in namespace " + namespace);
    }
    return Failures.orThrow(response, "get", kind.crdName(), namespace, server).getObject();
  }

  /** The object, or null when it does not exist. */
  <T extends Resource<?, ?, T>> T find(ApiKind<T, ?> kind, String namespace, String name) {
    checkName(kind, name);
    KubernetesApiResponse<T> response = send(() -> kind.api(client).get(namespace, name));
    return response.getHttpStatusCode() == 404
        ? null
        : Failures.orThrow(response, "get", kind.crdName(), namespace, server).getObject();
  }

  /**
   * Every object of a kind in the namespace, or in all namespaces when {@code namespace} is null.
   */
  <T extends Resource<?, ?, T>> List<T> list(ApiKind<T, ?> kind, String namespace) {
    var api = kind.api(client);
    var response =
        send(() -> namespace == null ? api.list() : api.list(namespace, new ListOptions()));
    return Failures.orThrow(response, "list", kind.crdName(), namespace, server)
        .getObject()
        .getItems();
  }

  <T extends Resource<?, ?, T>> T create(ApiKind<T, ?> kind, T object) {
    return Failures.orThrow(
            send(() -> kind.api(client).create(object)),
            "create",
            kind.crdName(),
            object.getMetadata().getNamespace(),
            server)
        .getObject();
  }

  <T extends Resource<?, ?, T>> T mergePatch(
      ApiKind<T, ?> kind, String namespace, String name, String patch) {
    checkName(kind, name);
    KubernetesApiResponse<T> response =
        send(
            () ->
                kind.api(client)
                    .patch(
                        namespace,
                        name,
                        V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
                        new V1Patch(patch)));
    if (response.getHttpStatusCode() == 404) {
      throw new CliException(kind.kind() + " " + name + " not found in namespace " + namespace);
    }
    return Failures.orThrow(response, "patch", kind.crdName(), namespace, server).getObject();
  }

  /**
   * A call of the generic API, which throws a bare RuntimeException when the server cannot be
   * reached.
   */
  private <R> R send(java.util.function.Supplier<R> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      throw Failures.unreachable(e, server);
    }
  }

  /** Runs a call of the typed APIs, turning its failure into one line. */
  <R> R call(String verb, String resource, String namespace, ApiCall<R> call) {
    try {
      return call.run();
    } catch (ApiException e) {
      throw Failures.of(e, verb, resource, namespace, server);
    }
  }

  interface ApiCall<R> {
    R run() throws ApiException;
  }
}
