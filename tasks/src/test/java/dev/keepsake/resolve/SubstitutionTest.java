package dev.keepsake.resolve;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SubstitutionTest {
  private final Variables variables = Variables.builder()
      .set("TARGET_HOST", "redis.shop.svc")
      .list("RETENTION_FLAGS", List.of("--keep-last", "3", "--prune"))
      .list("EXCLUDE_FLAGS", List.of())
      .build();

  @Test
  void aValueIsNeverExpandedByTheKubeletAsAnEnvironmentVariable() {
    Substitution substitution = new Substitution(variables.with(java.util.Map.of("KEY_PATTERN", "$(REDISCLI_AUTH)")));

    assertThat(substitution.in(List.of("--key-pattern=${KEY_PATTERN}", "$(HOME)/x")))
        .containsExactly("--key-pattern=$$(REDISCLI_AUTH)", "$(HOME)/x");
  }

  @Test
  void aListVariableThatIsAWholeArgumentBecomesSeveralArguments() {
    Substitution substitution = new Substitution(variables);

    assertThat(substitution.in(List.of("forget", "${RETENTION_FLAGS}", "${EXCLUDE_FLAGS}", "-h=${TARGET_HOST}")))
        .containsExactly("forget", "--keep-last", "3", "--prune", "-h=redis.shop.svc");
    assertThat(substitution.undefined()).isEmpty();
  }

  @Test
  void anOptionalFlagWithAnEmptyDefaultDisappears() {
    Substitution substitution = new Substitution(variables);

    assertThat(substitution.in(List.of("pg_dump", "${EXTRA_FLAGS:=}", "--host=${TARGET_HOST}", "-f=${EMPTY:=}")))
        .containsExactly("pg_dump", "--host=redis.shop.svc", "-f=");
  }

  @Test
  void defaultsApplyOnlyToUndefinedVariablesAndUndefinedOnesAreCollected() {
    Substitution substitution = new Substitution(variables);

    assertThat(substitution.in("${TARGET_HOST:=localhost}:${TARGET_PORT:=6379}/${DB}")).isEqualTo("redis.shop.svc:6379/${DB}");
    assertThat(substitution.undefined()).containsExactly("DB");
  }

  @Test
  void aValueIsNotSubstitutedAgain() {
    Substitution substitution = new Substitution(Variables.builder().set("A", "${B}").set("B", "x").build());

    assertThat(substitution.in("${A}")).isEqualTo("${B}");
  }
}
