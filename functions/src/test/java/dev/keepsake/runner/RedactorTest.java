package dev.keepsake.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedactorTest {
  @Test
  void secretValuesAndUrlCredentialsAreMasked() {
    Redactor redactor = Redactor.forEnvironment(
        Map.of("RESTIC_PASSWORD", "hunter22", "AWS_SECRET_ACCESS_KEY", "abcd/EFGH+secret", "HOME", "/root"), List.of());

    String redacted = redactor.redact("password hunter22 key abcd/EFGH+secret url https://keep:pw99@host:8000/x home /root");

    assertThat(redacted).isEqualTo("password *** key *** url https://***@host:8000/x home /root");
  }

  @Test
  void shortValuesAreNotTakenForSecrets() {
    assertThat(Redactor.forEnvironment(Map.of("RESTIC_PASSWORD", "0"), List.of()).redact("exit code 0")).isEqualTo("exit code 0");
  }
}
