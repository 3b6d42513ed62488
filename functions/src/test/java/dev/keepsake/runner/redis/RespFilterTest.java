package dev.keepsake.runner.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RespFilterTest {
  private static String resp(String... args) {
    StringBuilder out = new StringBuilder("*" + args.length + "\r\n");
    for (String arg : args) {
      out.append('$').append(arg.getBytes(StandardCharsets.ISO_8859_1).length).append("\r\n").append(arg).append("\r\n");
    }
    return out.toString();
  }

  private static final String DUMP = resp("SELECT", "0") + resp("SET", "user:1", "ann") + resp("HSET", "cart:1", "f", "v")
      + resp("EXPIREAT", "user:1", "1999999999") + resp("SELECT", "3") + resp("SET", "user:2", "bob\r\nwith\u0000bytes");

  private static String filter(Integer database, String pattern) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new RespFilter(database, pattern).filter(new ByteArrayInputStream(DUMP.getBytes(StandardCharsets.ISO_8859_1)), out);
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  @Test
  void aKeyPatternKeepsMatchingKeysWithTheirTtlsAndEverySelect() throws IOException {
    assertThat(filter(null, "user:*")).isEqualTo(resp("SELECT", "0") + resp("SET", "user:1", "ann")
        + resp("EXPIREAT", "user:1", "1999999999") + resp("SELECT", "3") + resp("SET", "user:2", "bob\r\nwith\u0000bytes"));
  }

  @Test
  void oneDatabaseKeepsOnlyItsCommands() throws IOException {
    assertThat(filter(3, "*")).isEqualTo(resp("SELECT", "3") + resp("SET", "user:2", "bob\r\nwith\u0000bytes"));
  }

  @Test
  void globsFollowRedisSyntax() {
    assertThat("user:1").matches(RespFilter.globToRegex("user:?"));
    assertThat("user:12").doesNotMatch(RespFilter.globToRegex("user:?"));
    assertThat("hello").matches(RespFilter.globToRegex("h[ae]llo"));
    assertThat("hallo").doesNotMatch(RespFilter.globToRegex("h[^a]llo"));
    assertThat("a*b").matches(RespFilter.globToRegex("a\\*b"));
    assertThat("axb").doesNotMatch(RespFilter.globToRegex("a\\*b"));
  }

  @Test
  void aTruncatedDumpIsAnErrorNotASilentlyShortRestore() {
    byte[] cut = DUMP.substring(0, DUMP.length() - 5).getBytes(StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> new RespFilter(null, "user:*").filter(new ByteArrayInputStream(cut), new ByteArrayOutputStream()))
        .isInstanceOf(RespFilter.MalformedDump.class).hasMessageContaining("middle of a command");
  }
}
