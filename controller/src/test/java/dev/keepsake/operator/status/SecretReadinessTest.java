package dev.keepsake.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretReadinessTest {
  private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
  private static final Map<String, String> REQUIRED =
      new LinkedHashMap<>(Map.of("redis-auth", "spec.secret of AppBinding redis"));

  private static OffsetDateTime ago(long seconds) {
    return OffsetDateTime.ofInstant(NOW.minusSeconds(seconds), ZoneOffset.UTC);
  }

  @Test
  void aYoungSessionWaitsForItsSecretAndAnOlderOneFailsNamingItAndItsUse() {
    Readiness young = SecretReadiness.assess(REQUIRED, List.of("redis-auth"), "shop", ago(3), NOW);
    Readiness old = SecretReadiness.assess(REQUIRED, List.of("redis-auth"), "shop", ago(21), NOW);

    assertThat(young.ready()).isFalse();
    assertThat(young.recheckAfter()).isNotNull();
    assertThat(old.ready()).isFalse();
    assertThat(old.recheckAfter()).as("no point waiting longer: the session fails").isNull();
    assertThat(old.reason()).isEqualTo("SecretNotFound");
    assertThat(old.message())
        .isEqualTo(
            "Secret redis-auth does not exist in namespace shop (spec.secret of AppBinding redis);"
                + " no Job was started");
  }

  @Test
  void severalMissingSecretsAreAllNamed() {
    Map<String, String> required = new LinkedHashMap<>();
    required.put("redis-auth", "env REDISCLI_AUTH of container b (key password)");
    required.put("repository-credentials", "envFrom of container r");
    required.put("redis-tls", "volume tls");

    Readiness readiness =
        SecretReadiness.assess(
            required, List.of("redis-tls", "repository-credentials"), "shop", ago(60), NOW);

    assertThat(readiness.message())
        .startsWith(
            "Secret repository-credentials does not exist in namespace shop (envFrom of container r)")
        .contains("(1 more missing: redis-tls)");
  }

  @Test
  void nothingMissingIsNoObjection() {
    assertThat(SecretReadiness.assess(REQUIRED, List.of(), "shop", ago(60), NOW)).isNull();
  }
}
