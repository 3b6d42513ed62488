package dev.keepsake.runner.command;

import dev.keepsake.api.BackupSessionStatus;
import dev.keepsake.api.RestoreSession;
import dev.keepsake.api.RestoreSessionStatus;
import dev.keepsake.runner.report.Metrics;
import dev.keepsake.runner.report.SessionStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where results go: the session's status, the Pushgateway, the pod's termination message. */
public final class ReportOptions {
  private static final Path SERVICE_ACCOUNT_NAMESPACE =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

  @Option(
      names = "--namespace",
      defaultValue = "${env:KEEPSAKE_NAMESPACE}",
      description =
          "Namespace of the session and configuration. Env: KEEPSAKE_NAMESPACE; default: the pod's namespace.")
  String namespace;

  @Option(
      names = "--session",
      defaultValue = "${env:KEEPSAKE_SESSION}",
      description =
          "The BackupSession or RestoreSession whose status to write. Env: KEEPSAKE_SESSION.")
  String session;

  @Option(
      names = "--configuration",
      defaultValue = "${env:KEEPSAKE_CONFIGURATION}",
      description =
          "The BackupConfiguration this run belongs to (metrics grouping). Env: KEEPSAKE_CONFIGURATION.")
  String configuration;

  @Option(
      names = "--pushgateway",
      defaultValue = "${env:KEEPSAKE_PUSHGATEWAY_URL}",
      description =
          "Pushgateway URL for metrics, e.g. http://pushgateway.monitoring:9091. Env: KEEPSAKE_PUSHGATEWAY_URL.")
  String pushgateway;

  @Option(
      names = "--progress-interval",
      defaultValue = "${env:KEEPSAKE_PROGRESS_INTERVAL:-10s}",
      description = "How often to log and report progress. Default 10s.")
  String progressInterval;

  @Option(
      names = "--termination-log",
      defaultValue = "${env:KEEPSAKE_TERMINATION_LOG:-/dev/termination-log}",
      description = "Where Kubernetes reads the container's termination message.")
  Path terminationLog;

  String namespace() {
    if (namespace != null && !namespace.isBlank()) {
      return namespace;
    }
    try {
      return Files.isReadable(SERVICE_ACCOUNT_NAMESPACE)
          ? Files.readString(SERVICE_ACCOUNT_NAMESPACE).trim()
          : "default";
    } catch (IOException e) {
      return "default";
    }
  }

  /**
   * The report of one run: metrics grouped by namespace and {@code groupLabel}, and the status of
   * the session of kind {@code sessionPlural} when one is named.
   */
  RunReport runReport(
      String operation, String job, String groupLabel, String groupValue, String sessionPlural) {
    Map<String, String> grouping = new LinkedHashMap<>();
    grouping.put("namespace", namespace());
    grouping.put(groupLabel, groupValue);
    return new RunReport(
        operation,
        new Metrics(pushgateway, job, grouping),
        SessionStatus.forSession(
            namespace(), sessionPlural, sessionPlural == null ? null : session),
        terminationLog(),
        RestoreSession.PLURAL.equals(sessionPlural)
            ? RestoreSessionStatus::new
            : BackupSessionStatus::new);
  }

  Duration progressInterval() {
    return dev.keepsake.api.Durations.parse(progressInterval);
  }

  Path terminationLog() {
    Path parent = terminationLog.toAbsolutePath().getParent();
    return parent != null && Files.isWritable(parent) || Files.isWritable(terminationLog)
        ? terminationLog
        : null;
  }
}
