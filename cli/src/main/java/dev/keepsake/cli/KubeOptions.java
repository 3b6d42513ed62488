package dev.keepsake.cli;

import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The cluster flags kubectl users know, shared by every command. */
public final class KubeOptions {
  @Option(names = "--kubeconfig", scope = ScopeType.INHERIT, paramLabel = "FILE",
      description = "The kubeconfig to use (default: $KUBECONFIG, then ~/.kube/config).")
  String kubeconfig;

  @Option(names = "--context", scope = ScopeType.INHERIT, paramLabel = "NAME",
      description = "The kubeconfig context to use (default: its current context).")
  String context;

  @Option(names = {"-n", "--namespace"}, scope = ScopeType.INHERIT, paramLabel = "NAMESPACE",
      description = "The namespace (default: the context's namespace, else default).")
  String namespace;

  @Option(names = "--request-timeout", scope = ScopeType.INHERIT, paramLabel = "SECONDS", defaultValue = "30",
      description = "How long to wait for one answer of the API server (default: ${DEFAULT-VALUE}).")
  int requestTimeoutSeconds;
}
