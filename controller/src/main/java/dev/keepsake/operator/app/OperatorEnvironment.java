package dev.keepsake.operator.app;

import dev.keepsake.desired.JobPolicy;
import dev.keepsake.desired.OperatorSettings;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Everything the operator reads from its environment (the chart's values), in one place. */
record OperatorEnvironment(
    OperatorSettings settings,
    int healthPort,
    boolean leaderElection,
    String podName,
    String podNamespace) {

  static OperatorEnvironment of(Map<String, String> env) {
    OperatorSettings defaults = OperatorSettings.defaults();
    OperatorSettings settings =
        new OperatorSettings(
            env.getOrDefault("KEEPSAKE_RUNNER_IMAGE", defaults.runnerImage()),
            env.get("KEEPSAKE_PUSHGATEWAY_URL"),
            Integer.parseInt(env.getOrDefault("KEEPSAKE_JOB_TTL_SECONDS", "86400")),
            env.getOrDefault("KEEPSAKE_JOB_SERVICE_ACCOUNT", defaults.jobServiceAccount()));
    settings =
        settings
            .withJobPolicy(jobPolicy(env, settings.runnerImage()))
            .watching(list(env.get("KEEPSAKE_WATCH_NAMESPACES")));
    return new OperatorEnvironment(
        settings,
        Integer.parseInt(env.getOrDefault("KEEPSAKE_HEALTH_PORT", "8081")),
        Boolean.parseBoolean(env.getOrDefault("KEEPSAKE_LEADER_ELECTION", "true")),
        env.get("POD_NAME"),
        env.getOrDefault("POD_NAMESPACE", "default"));
  }

  /** The installation's limits on Jobs (chart values jobPolicy.*), strict where unset. */
  static JobPolicy jobPolicy(Map<String, String> env, String runnerImage) {
    JobPolicy defaults = JobPolicy.defaults(runnerImage);
    List<String> imagePrefixes = list(env.get("KEEPSAKE_RUNNER_IMAGE_PREFIXES"));
    return new JobPolicy(
        list(env.get("KEEPSAKE_HOST_PATH_PREFIXES")),
        Boolean.parseBoolean(env.getOrDefault("KEEPSAKE_ALLOW_ROOT", "false")),
        list(env.get("KEEPSAKE_JOB_SERVICE_ACCOUNTS")),
        imagePrefixes.isEmpty() ? defaults.runnerImagePrefixes() : imagePrefixes,
        list(env.get("KEEPSAKE_PRIORITY_CLASSES")),
        list(env.get("KEEPSAKE_TOLERATION_KEYS")));
  }

  private static List<String> list(String commaSeparated) {
    return commaSeparated == null
        ? List.of()
        : Arrays.stream(commaSeparated.split(","))
            .map(String::trim)
            .filter(v -> !v.isEmpty())
            .toList();
  }
}
