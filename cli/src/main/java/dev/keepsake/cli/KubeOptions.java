package dev.keepsake.cli;

import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The cluster flags kubectl users know, shared by every command. */
public final class KubeOptions {
  @Option(
      names = "--kubeconfig",
      scope = ScopeType.INHERIT,
      paramLabel = "FILE",
      description = "The kubeconfig to use (default: $KUBECONFIG, then ~/.kube/config).")
  String kubeconfig;

  @Option(
      names = "--context",
      scope = ScopeType.INHERIT,
      paramLabel = "NAME",
      description = "The kubeconfig context to use (default: its current context).")
  String context;

  @Option(
      names = {"-n", "--namespace"},
      scope = ScopeType.INHERIT,
      paramLabel = "NAMESPACE",
      description = "The namespace (default: the context's namespace, else default).")
  String namespace;

  @Option(
      names = "--request-timeout",
      scope = ScopeType.INHERIT,
      paramLabel = "DURATION",
      defaultValue = "30s",
      converter = RequestTimeout.class,
      description =
          "How long to wait for one answer of the API server: seconds, or 30s, 2m; 0 waits for ever "
              + "(default: ${DEFAULT-VALUE}).")
  Duration requestTimeout;

  /** kubectl's form: a number of seconds, or a duration with its unit. */
  static final class RequestTimeout implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      if (value.matches("\\d{1,6}")) {
        return Duration.ofSeconds(Long.parseLong(value));
      }
      return new Following.DurationConverter().convert(value);
    }
  }
}
