package dev.keepsake.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The tests run the restic the runner image carries (functions/restic.version), not whatever restic
 * the machine has: test/scripts/test.sh puts it first on PATH.
 */
class ResticVersionTest {
  @Test
  void theResticOnPathIsTheOneTheRunnerImageCarries() throws Exception {
    String chosen =
        Files.readString(Project.root().resolve("functions/restic.version"))
            .trim()
            .replace("v", "");
    Process version = new ProcessBuilder("restic", "version").redirectErrorStream(true).start();
    String printed = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(version.waitFor(30, TimeUnit.SECONDS)).isTrue();

    assertThat(printed)
        .as(
            "run the tests with `bash test/scripts/test.sh`, which puts restic %s first on PATH",
            chosen)
        .startsWith("restic " + chosen + " ");
  }
}
