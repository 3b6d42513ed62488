package dev.keepsake.testing;

import dev.keepsake.desired.JobPolicy;
import dev.keepsake.desired.OperatorSettings;
import java.util.List;

/**
 * Operator settings as the tests run them: the strict default policy, except that repositories may
 * live in local folders under the temporary directory, where the tests keep them.
 */
public final class TestOperators {
  private TestOperators() {}

  public static OperatorSettings settings(
      String runnerImage, String pushgatewayUrl, int jobTtlSeconds, String jobServiceAccount) {
    return new OperatorSettings(
        runnerImage,
        pushgatewayUrl,
        jobTtlSeconds,
        jobServiceAccount,
        JobPolicy.defaults(runnerImage).withHostPathPrefixes(List.of(temporaryFolder())));
  }

  public static String temporaryFolder() {
    return java.nio.file.Path.of(System.getProperty("java.io.tmpdir"))
        .toAbsolutePath()
        .normalize()
        .toString();
  }
}
