package dev.keepsake.runner.restic;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** When restic's retries against the storage mean the storage is gone. */
class BackendRetriesTest {
  private static final Instant T0 = Instant.parse("2026-03-01T02:00:00Z");
  private static final String RETRY =
      "Save(<data/8d3e1f2a90>) returned error, retrying after 1.370137438s: client.PutObject: Put"
          + " \"http://127.0.0.1:9000/outage/demo/redis/data/8d/8d3e1f2a90\": dial tcp"
          + " 127.0.0.1:9000: connect: connection refused";

  private static Instant at(long seconds) {
    return T0.plusSeconds(seconds);
  }

  @Test
  void retriesWithTheStreamStillForThePatienceExhaustIt() {
    BackendRetries retries = new BackendRetries(Duration.ofSeconds(60));
    retries.line(RETRY, 1000, at(0));
    retries.line(RETRY, 1000, at(30));
    assertThat(retries.exhausted(1000, at(59))).isFalse();
    retries.line(RETRY, 1000, at(59));
    assertThat(retries.exhausted(1000, at(60))).isTrue();
    assertThat(retries.describe(at(60)))
        .contains("3 time(s)", "for 1m", "connection refused")
        .startsWith("restic retried failing requests");
  }

  @Test
  void otherStderrLinesAreNotRetries() {
    BackendRetries retries = new BackendRetries(Duration.ZERO);
    retries.line("repository 1a2b3c4d opened (version 2, compression level auto)", 0, at(0));
    retries.line("Fatal: unable to save snapshot: connection refused", 0, at(1));

    assertThat(retries.exhausted(0, at(600))).isFalse();
    assertThat(retries.retrying(at(1))).isFalse();
  }

  @Test
  void aMovingStreamOrAQuietSpellStartsTheCountAgain() {
    BackendRetries retries = new BackendRetries(Duration.ofSeconds(60));
    retries.line(RETRY, 1000, at(0));
    retries.line(RETRY, 1000, at(50));
    long mib = 1 << 20;
    assertThat(retries.exhausted(1000 + mib, at(55)))
        .as("a MiB moved: some requests get through")
        .isFalse();
    retries.line(RETRY, 1000 + mib, at(100));
    assertThat(retries.exhausted(1000 + mib, at(110))).isFalse();
    assertThat(retries.exhausted(5000 + mib, at(116)))
        .as("a few bytes (the retry lines a process writes) are not the stream moving")
        .isTrue();

    BackendRetries blip = new BackendRetries(Duration.ofSeconds(60));
    blip.line(RETRY, 0, at(0));
    assertThat(blip.exhausted(0, at(100)))
        .as("no retry for 100 s: the storage recovered")
        .isFalse();
    blip.line(RETRY, 0, at(200));
    assertThat(blip.exhausted(0, at(230))).isFalse();
  }

  @Test
  void thePatienceIsReadFromTheEnvironment() {
    assertThat(BackendRetries.fromEnvironment(Map.of()).patience())
        .isEqualTo(Duration.ofMinutes(5));
    assertThat(BackendRetries.fromEnvironment(Map.of(BackendRetries.PATIENCE, "90s")).patience())
        .isEqualTo(Duration.ofSeconds(90));
    assertThat(BackendRetries.fromEnvironment(Map.of(BackendRetries.PATIENCE, "soon")).patience())
        .isEqualTo(Duration.ofMinutes(5));
  }
}
