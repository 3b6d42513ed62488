package dev.keepsake.resolve;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SubstitutionTest {
  private final Variables variables =
      Variables.builder()
          .set("TARGET_HOST", "redis.shop.svc")
          .list("RETENTION_FLAGS", List.of("--keep-last", "3", "--prune"))
          .list("EXCLUDE_FLAGS", List.of())
          .build();

  @Test
  void aValueIsNeverExpandedByTheKubeletAsAnEnvironmentVariable() {
    Substitution substitution =
        new Substitution(variables.with(java.util.Map.of("KEY_PATTERN", "$(REDISCLI_AUTH)")));

    assertThat(substitution.forKubelet(List.of("--key-pattern=${KEY_PATTERN}", "$(HOME)/x")))
        .containsExactly("--key-pattern=$$(REDISCLI_AUTH)", "$(HOME)/x");
  }

  @Test
  void aValueThatAlreadyEscapesIsKeptAsWrittenToo() {
    Substitution substitution =
        new Substitution(
            variables.with(java.util.Map.of("KEY_PATTERN", "$$(REDISCLI_AUTH)", "PW", "a$b$")));

    // The kubelet reads $$ as $: $$$$( comes back as $$(, the value as it was, never the variable.
    assertThat(substitution.forKubelet("--key-pattern=${KEY_PATTERN} ${PW}"))
        .isEqualTo("--key-pattern=$$$$(REDISCLI_AUTH) a$$b$$");
    assertThat(
            LocalKubeletExpansion.expand(
                substitution.forKubelet("${KEY_PATTERN}"),
                java.util.Map.of("REDISCLI_AUTH", "hunter2")))
        .isEqualTo("$$(REDISCLI_AUTH)");
  }

  @Test
  void whatTheKubeletDoesNotExpandIsNotEscaped() {
    Substitution substitution =
        new Substitution(variables.with(java.util.Map.of("KEY_PATTERN", "$(x)")));

    assertThat(substitution.in("image-${KEY_PATTERN}")).isEqualTo("image-$(x)");
  }

  /**
   * The kubelet's $(VAR) rule, as Kubernetes documents it: $$ is $, $(NAME) of a defined name is
   * its value.
   */
  private static final class LocalKubeletExpansion {
    static String expand(String text, java.util.Map<String, String> defined) {
      StringBuilder out = new StringBuilder();
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '$') {
          out.append('$');
          i++;
        } else if (c == '$'
            && i + 1 < text.length()
            && text.charAt(i + 1) == '('
            && text.indexOf(')', i) > 0) {
          String name = text.substring(i + 2, text.indexOf(')', i));
          out.append(defined.getOrDefault(name, "$(" + name + ")"));
          i = text.indexOf(')', i);
        } else {
          out.append(c);
        }
      }
      return out.toString();
    }
  }

  @Test
  void aListVariableThatIsAWholeArgumentBecomesSeveralArguments() {
    Substitution substitution = new Substitution(variables);

    assertThat(
            substitution.forKubelet(
                List.of("forget", "${RETENTION_FLAGS}", "${EXCLUDE_FLAGS}", "-h=${TARGET_HOST}")))
        .containsExactly("forget", "--keep-last", "3", "--prune", "-h=redis.shop.svc");
    assertThat(substitution.undefined()).isEmpty();
  }

  @Test
  void anOptionalFlagWithAnEmptyDefaultDisappears() {
    Substitution substitution = new Substitution(variables);

    assertThat(
            substitution.forKubelet(
                List.of("pg_dump", "${EXTRA_FLAGS:=}", "--host=${TARGET_HOST}", "-f=${EMPTY:=}")))
        .containsExactly("pg_dump", "--host=redis.shop.svc", "-f=");
  }

  @Test
  void defaultsApplyOnlyToUndefinedVariablesAndUndefinedOnesAreCollected() {
    Substitution substitution = new Substitution(variables);

    assertThat(substitution.in("${TARGET_HOST:=localhost}:${TARGET_PORT:=6379}/${DB}"))
        .isEqualTo("redis.shop.svc:6379/${DB}");
    assertThat(substitution.undefined()).containsExactly("DB");
  }

  @Test
  void aValueIsNotSubstitutedAgain() {
    Substitution substitution =
        new Substitution(Variables.builder().set("A", "${B}").set("B", "x").build());

    assertThat(substitution.in("${A}")).isEqualTo("${B}");
  }
}
