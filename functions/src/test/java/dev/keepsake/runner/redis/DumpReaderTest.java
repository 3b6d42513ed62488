package dev.keepsake.runner.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DumpReaderTest {
  private static byte[] resp(String... commands) {
    StringBuilder out = new StringBuilder();
    for (String command : commands) {
      String[] args = command.split(" ");
      out.append('*').append(args.length).append("\r\n");
      for (String arg : args) {
        out.append('$').append(arg.length()).append("\r\n").append(arg).append("\r\n");
      }
    }
    return out.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void readsTheHeadOfEachCommandAndForwardsTheRestByteForByte() throws IOException {
    byte[] input =
        resp("SELECT 2", "RESTORE user:1 0 payload-bytes REPLACE ABSTTL", "SET plain value");
    DumpReader reader = new DumpReader(new ByteArrayInputStream(input));
    ByteArrayOutputStream forwarded = new ByteArrayOutputStream();

    DumpReader.Command select = reader.next();
    assertThat(select.name()).isEqualTo("SELECT");
    assertThat(select.argument(1)).isEqualTo("2");
    reader.forward(select, forwarded);
    DumpReader.Command restore = reader.next();
    assertThat(restore.count()).isEqualTo(6);
    assertThat(new String(restore.key(), StandardCharsets.ISO_8859_1)).isEqualTo("user:1");
    reader.forward(restore, forwarded);
    DumpReader.Command set = reader.next();
    reader.skip();

    assertThat(set.name()).isEqualTo("SET");
    assertThat(reader.next()).isNull();
    assertThat(forwarded.toByteArray())
        .isEqualTo(resp("SELECT 2", "RESTORE user:1 0 payload-bytes REPLACE ABSTTL"));
  }

  @Test
  void aDumpCutInTheMiddleOfAValueIsRefusedNotTakenAsTheEnd() throws IOException {
    byte[] whole = resp("RESTORE key 0 0123456789abcdef REPLACE ABSTTL");
    byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 20);
    DumpReader reader = new DumpReader(new ByteArrayInputStream(cut));
    DumpReader.Command restore = reader.next();

    assertThatThrownBy(() -> reader.forward(restore, new ByteArrayOutputStream()))
        .hasMessageContaining("ends in the middle of a command")
        .hasMessageContaining("cut short");
  }

  @Test
  void inputThatIsNotRespSaysSo() {
    DumpReader reader =
        new DumpReader(new ByteArrayInputStream("SET a b\n".getBytes(StandardCharsets.US_ASCII)));

    assertThatThrownBy(reader::next)
        .isInstanceOf(DumpReader.MalformedDump.class)
        .hasMessageContaining("not a Redis dump in RESP form");
  }
}
