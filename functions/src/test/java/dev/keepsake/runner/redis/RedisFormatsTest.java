package dev.keepsake.runner.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class RedisFormatsTest {
  private static boolean matches(String glob, String key) {
    return Pattern.compile(KeyPattern.toRegex(glob), Pattern.DOTALL).matcher(key).matches();
  }

  @Test
  void keyPatternsFollowRedisGlobRules() {
    assertThat(matches("cart:*", "cart:12")).isTrue();
    assertThat(matches("cart:*", "carts:12")).isFalse();
    assertThat(matches("user:?", "user:7")).isTrue();
    assertThat(matches("user:?", "user:77")).isFalse();
    assertThat(matches("h[ae]llo", "hallo")).isTrue();
    assertThat(matches("h[^e]llo", "hello")).isFalse();
    assertThat(matches("a.b*", "axb")).as("a dot is a dot, not any character").isFalse();
    assertThat(matches("literal\\*", "literal*")).isTrue();
    assertThat(matches("literal\\*", "literalX")).isFalse();
    assertThat(matches("*", "line\nbreak")).isTrue();
  }

  @Test
  void aDumpRestoresIntoTheSameReleaseOrANewerOneOnly() {
    assertThat(RedisVersions.rdbVersion("7.0.15")).hasValue(10);
    assertThat(RedisVersions.rdbVersion("7.2.4")).hasValue(11);
    assertThat(RedisVersions.rdbVersion("6.2.14")).hasValue(9);
    assertThat(RedisVersions.rdbVersion("unknown")).isEmpty();
    assertThat(RedisVersions.oldestReading(11)).isEqualTo("7.2");
    assertThat(RedisVersions.oldestReading(9)).isEqualTo("5.0");
    assertThat(RedisVersions.compare("7.10.0", "7.9.1")).isPositive();
  }

  @Test
  void thePayloadsFormatVersionIsReadFromItsTail() {
    byte[] tail = {10, 0, 1, 2, 3, 4, 5, 6, 7, 8};
    assertThat(DumpFormat.rdbVersion(tail)).isEqualTo(10);
  }

  @Test
  void keysArePrintedReadablyWithBinaryBytesEscaped() {
    assertThat(DumpFormat.printable("cart:1".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo("cart:1");
    assertThat(DumpFormat.printable(new byte[] {(byte) 0xff, 'a', '\n'})).isEqualTo("\\xffa\\x0a");
    assertThat(DumpFormat.printable(new byte[1000])).endsWith("…").hasSizeLessThan(210);
  }

  @Test
  void theTrailerCarriesCountsPerDatabase() {
    DumpFormat.Counts counts =
        new DumpFormat.Counts(Map.of(0, 100L, 3, 2L), Map.of(0, 101L, 3, 2L), 10);
    byte[] echo = DumpFormat.echo(DumpFormat.TRAILER, DumpFormat.trailerBody(counts));

    DumpFormat.Counts read =
        DumpFormat.countsFrom(DumpFormat.marker(DumpFormat.TRAILER, echo).orElseThrow());

    assertThat(read.keys()).containsExactlyInAnyOrderEntriesOf(Map.of(0, 100L, 3, 2L));
    assertThat(read.totalCommands()).isEqualTo(103);
    assertThat(read.rdbVersion()).isEqualTo(10);
    assertThat(DumpFormat.marker(DumpFormat.HEADER, echo)).isEmpty();
  }

  @Test
  void aKeySeenTwiceBySCANCountsOnce() {
    KeyHashes seen = new KeyHashes();
    for (int i = 0; i < 100_000; i++) {
      assertThat(seen.add(("key:" + i).getBytes(StandardCharsets.US_ASCII))).isTrue();
    }
    assertThat(seen.add("key:5".getBytes(StandardCharsets.US_ASCII))).isFalse();
    assertThat(seen.size()).isEqualTo(100_000);
  }

  private static ServerInfo info(long changes, long lastSave, long commands, long expired) {
    return ServerInfo.parse(
        "# Persistence\r\nrdb_changes_since_last_save:"
            + changes
            + "\r\nrdb_last_save_time:"
            + lastSave
            + "\r\n# Stats\r\ntotal_commands_processed:"
            + commands
            + "\r\nexpired_keys:"
            + expired
            + "\r\nevicted_keys:0\r\n"
            + "# Keyspace\r\ndb0:keys=100,expires=3,avg_ttl=0\r\ndb2:keys=7,expires=0,avg_ttl=0\r\n");
  }

  @Test
  void keysMissingBeyondTheWritesDuringTheDumpFailTheCheckWithTheFigures() {
    ServerInfo before = info(10, 1000, 5000, 1);
    ServerInfo after = info(12, 1000, 6000, 2);
    assertThat(before.keys(0)).isEqualTo(100);
    assertThat(before.databasesWithKeys()).containsExactly(0, 2);
    long changes = KeyCountCheck.changesDuring(before, after, 990);
    assertThat(changes).as("2 writes and 1 expiry").isEqualTo(3);

    assertThat(
            KeyCountCheck.shortfall(
                List.of(new KeyCountCheck.DatabaseCount(0, 100, 100, 97, 0)), changes))
        .isEmpty();
    assertThat(
            KeyCountCheck.shortfall(
                List.of(new KeyCountCheck.DatabaseCount(0, 100, 100, 90, 1)), changes))
        .hasValueSatisfying(
            message ->
                assertThat(message)
                    .contains(
                        "database 0 held 100 keys",
                        "the dump has 90",
                        "9 keys are missing",
                        "more than the 3 writes"));
  }

  @Test
  void afterASaveDuringTheDumpEveryOtherClientsCommandCountsAsAPossibleWrite() {
    ServerInfo before = info(500, 1000, 5000, 0);
    ServerInfo after = info(0, 1010, 5100, 0);

    assertThat(KeyCountCheck.changesDuring(before, after, 60)).isEqualTo(40);
  }
}
