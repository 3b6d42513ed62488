package dev.keepsake.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedactorTest {
  @Test
  void secretValuesAndUrlCredentialsAreMasked() {
    Redactor redactor =
        Redactor.forEnvironment(
            Map.of(
                "RESTIC_PASSWORD",
                "hunter22",
                "AWS_SECRET_ACCESS_KEY",
                "abcd/EFGH+secret",
                "HOME",
                "/root"),
            List.of());

    String redacted =
        redactor.redact(
            "password hunter22 key abcd/EFGH+secret url https://keep:pw99@host:8000/x home /root");

    assertThat(redacted).isEqualTo("password *** key *** url https://***@host:8000/x home /root");
  }

  @Test
  void shortValuesAreMaskedAsWholeWordsOnly() {
    Redactor redactor = Redactor.forEnvironment(Map.of("RESTIC_PASSWORD", "pw"), List.of());

    assertThat(redactor.redact("auth pw failed; pwd is /tmp"))
        .isEqualTo("auth *** failed; pwd is /tmp");
  }

  @Test
  void everyValueFromASecretIsMaskedAsWrittenUrlEncodedAndJsonEscaped() {
    Redactor redactor =
        Redactor.forEnvironment(
            Map.of(
                Redactor.SECRET_ENV,
                "REDISCLI_AUTH, PGPASSWORD",
                "REDISCLI_AUTH",
                "p@ss w/\"quote\"",
                "PGPASSWORD",
                "tiny",
                "HOME",
                "/scratch"),
            List.of());

    assertThat(redactor.redact("AUTH p@ss w/\"quote\" failed")).isEqualTo("AUTH *** failed");
    assertThat(redactor.redact("url redis://:p%40ss%20w%2F%22quote%22@redis:6379"))
        .doesNotContain("p%40ss");
    assertThat(redactor.redact("form p%40ss+w%2F%22quote%22")).isEqualTo("form ***");
    assertThat(redactor.redact("{\"message\": \"p@ss w/\\\"quote\\\"\"}"))
        .isEqualTo("{\"message\": \"***\"}");
    assertThat(redactor.redact("redis://:tiny@redis.shop:6379 and redis://:other@redis"))
        .isEqualTo("redis://***@redis.shop:6379 and redis://***@redis");
    assertThat(redactor.redact("HOME is /scratch")).isEqualTo("HOME is /scratch");
  }

  @Test
  void aMultiLineSecretIsMaskedLineByLineAndEncodedFormsToo() {
    String pem =
        "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nAAsbc1\n-----END PRIVATE KEY-----\n";
    Redactor redactor =
        Redactor.forEnvironment(
            Map.of(Redactor.SECRET_ENV, "TLS_KEY,PW", "TLS_KEY", pem, "PW", "a=b&c<d>"), List.of());

    assertThat(redactor.redact("read MIIEvQIBADANBgkqhkiG9w0BAQEFAASC from the key"))
        .isEqualTo("read *** from the key");
    assertThat(redactor.redact("{\"password\":\"a=b\\u0026c\\u003cd\\u003e\"}"))
        .as("as Go's JSON encoder writes it")
        .isEqualTo("{\"password\":\"***\"}");
    assertThat(redactor.redact("{\"password\":\"a\\u003db\\u0026c\\u003cd\\u003e\"}"))
        .as("as Gson writes it")
        .isEqualTo("{\"password\":\"***\"}");
    assertThat(
            redactor.redact(
                "basic " + java.util.Base64.getEncoder().encodeToString("a=b&c<d>".getBytes())))
        .isEqualTo("basic ***");
  }

  @Test
  void theFilesOfSecretVolumesAreMasked(@org.junit.jupiter.api.io.TempDir java.nio.file.Path folder)
      throws Exception {
    java.nio.file.Files.writeString(folder.resolve("password"), "from-a-volume\n");
    Redactor redactor =
        Redactor.forEnvironment(Map.of(Redactor.SECRET_FILES, folder.toString()), List.of());

    assertThat(redactor.redact("login with from-a-volume refused"))
        .isEqualTo("login with *** refused");
  }

  @Test
  void aJsonTreeKeepsItsShapeAndLosesItsSecrets() {
    Redactor redactor = Redactor.forEnvironment(Map.of("RESTIC_PASSWORD", "12"), List.of());
    var tree =
        com.google.gson.JsonParser.parseString(
            "{\"bytesDone\": 12, \"message\": \"password 12 refused\"}");

    assertThat(redactor.redact(tree).toString())
        .isEqualTo("{\"bytesDone\":12,\"message\":\"password *** refused\"}");
  }
}
