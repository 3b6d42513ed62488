package dev.keepsake.desired;

/**
 * How the operator is set up, for the objects it builds.
 *
 * @param runnerImage the image with the keepsake runner and restic, for ${RUNNER_IMAGE}
 * @param pushgatewayUrl where Jobs push metrics; null for none
 * @param jobTtlSeconds how long finished Jobs stay (their pods hold the logs)
 * @param jobServiceAccount the ServiceAccount Jobs run as unless runtime settings name another
 */
public record OperatorSettings(String runnerImage, String pushgatewayUrl, int jobTtlSeconds, String jobServiceAccount) {
  public static OperatorSettings defaults() {
    return new OperatorSettings("keepsake/runner:0.1.0", null, 24 * 3600, "keepsake-job");
  }
}
