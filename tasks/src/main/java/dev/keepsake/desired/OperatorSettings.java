package dev.keepsake.desired;

import java.util.List;

/**
 * How the operator is set up, for the objects it builds.
 *
 * @param runnerImage the image with the keepsake runner and restic, for ${RUNNER_IMAGE}
 * @param pushgatewayUrl where Jobs push metrics; null for none
 * @param jobTtlSeconds how long finished Jobs stay (their pods hold the logs)
 * @param jobServiceAccount the ServiceAccount Jobs run as unless runtime settings name another
 * @param jobPolicy what a namespace's objects may put into its Jobs
 */
public record OperatorSettings(
    String runnerImage,
    String pushgatewayUrl,
    int jobTtlSeconds,
    String jobServiceAccount,
    JobPolicy jobPolicy,
    List<String> watchedNamespaces) {

  public OperatorSettings {
    watchedNamespaces = watchedNamespaces == null ? List.of() : List.copyOf(watchedNamespaces);
  }

  public OperatorSettings(
      String runnerImage,
      String pushgatewayUrl,
      int jobTtlSeconds,
      String jobServiceAccount,
      JobPolicy jobPolicy) {
    this(runnerImage, pushgatewayUrl, jobTtlSeconds, jobServiceAccount, jobPolicy, List.of());
  }

  /**
   * Settings with the strict default policy: no node folders, no root, only the Jobs'
   * ServiceAccount.
   */
  public OperatorSettings(
      String runnerImage, String pushgatewayUrl, int jobTtlSeconds, String jobServiceAccount) {
    this(
        runnerImage,
        pushgatewayUrl,
        jobTtlSeconds,
        jobServiceAccount,
        JobPolicy.defaults(runnerImage));
  }

  public static OperatorSettings defaults() {
    return new OperatorSettings("keepsake/runner:0.1.0", null, 24 * 3600, "keepsake-job");
  }

  public OperatorSettings withJobPolicy(JobPolicy policy) {
    return new OperatorSettings(
        runnerImage, pushgatewayUrl, jobTtlSeconds, jobServiceAccount, policy, watchedNamespaces);
  }

  /** An operator that watches only these namespaces (empty: every one). */
  public OperatorSettings watching(List<String> namespaces) {
    return new OperatorSettings(
        runnerImage, pushgatewayUrl, jobTtlSeconds, jobServiceAccount, jobPolicy, namespaces);
  }
}
