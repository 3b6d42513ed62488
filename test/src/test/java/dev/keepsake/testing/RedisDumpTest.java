package dev.keepsake.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XReadGroupParams;

/**
 * keepsake redis-dump and redis-load, run by the runner as the catalog's Functions run them,
 * against a real Redis and a real restic repository: every type and database back, and every way a
 * dump or a restore can go wrong ends in a failure that names it.
 */
class RedisDumpTest {
  private static final String PASSWORD = "redis password";
  private static final String HOST = "demo/redis";
  private static final int HUGE_VALUE = 200 << 20;
  private static RedisServer redis;

  @TempDir Path work;

  @BeforeAll
  static void startRedis(@TempDir Path dir) {
    redis = RedisServer.start(dir.resolve("redis"), PASSWORD);
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @AfterEach
  void flush() {
    try (Jedis jedis = RedisDataSet.connect(redis, 0)) {
      jedis.flushAll();
    }
  }

  private RunnerProcess runner() {
    Path tools = LocalTools.folder(work);
    Map<String, String> environment = new HashMap<>(LocalTools.runnerEnvironment());
    environment.putAll(
        Map.of(
            "RESTIC_REPOSITORY",
            work.resolve("repository").toString(),
            "RESTIC_PASSWORD",
            "restic password",
            "REDISCLI_AUTH",
            PASSWORD,
            "PATH",
            tools + ":" + System.getenv("PATH")));
    return new RunnerProcess(work, environment);
  }

  private static List<String> redisArgs(String command, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "keepsake",
                command,
                "--host",
                redis.host(),
                "--port",
                Integer.toString(redis.port())));
    args.addAll(List.of(more));
    return args;
  }

  private RunnerProcess.Result backUp(RunnerProcess runner, List<String> dump, String... options) {
    List<String> args =
        new ArrayList<>(List.of("backup", "--host", HOST, "--stdin-filename", "redis.resp"));
    args.addAll(List.of(options));
    args.add("--");
    args.addAll(dump);
    return runner.run(args.toArray(String[]::new));
  }

  private RunnerProcess.Result restore(RunnerProcess runner, String... loadOptions) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "restore",
                "--host",
                HOST,
                "--snapshot",
                "latest",
                "--stdin-filename",
                "redis.resp",
                "--"));
    args.addAll(redisArgs("redis-load", loadOptions));
    return runner.run(args.toArray(String[]::new));
  }

  private static Map<Integer, Map<ByteBuffer, RedisDigest.Key>> everyDatabase() {
    Map<Integer, Map<ByteBuffer, RedisDigest.Key>> all = new HashMap<>();
    for (int db = 0; db < 16; db++) {
      all.put(db, RedisDigest.read(redis, db));
    }
    return all;
  }

  /**
   * Streams with consumer groups and pending entries, a hash of 100,000 fields, keys in all 16
   * databases, TTLs.
   */
  private static void seedEveryKind() {
    Random random = new Random(7);
    try (Jedis jedis = RedisDataSet.connect(redis, 0)) {
      Pipeline p = jedis.pipelined();
      for (int i = 0; i < 20_000; i++) {
        p.set("user:" + i, "profile-" + random.nextInt());
        if (i % 10 == 0) {
          p.pexpire("user:" + i, 3_600_000 + i);
        }
      }
      for (int i = 0; i < 50; i++) {
        for (int e = 0; e < 40; e++) {
          p.xadd(
              "stream:" + i,
              StreamEntryID.NEW_ENTRY,
              Map.of("order", Integer.toString(e), "stream", Integer.toString(i)));
        }
      }
      p.sync();
      for (int i = 0; i < 50; i++) {
        jedis.xgroupCreate("stream:" + i, "billing", new StreamEntryID(), false);
        jedis.xgroupCreate("stream:" + i, "shipping", new StreamEntryID(), false);
        jedis.xreadGroup(
            "billing",
            "worker-" + i % 3,
            XReadGroupParams.xReadGroupParams().count(5),
            Map.of("stream:" + i, StreamEntryID.UNRECEIVED_ENTRY));
      }
      Map<String, String> wide = new HashMap<>();
      for (int i = 0; i < 100_000; i++) {
        wide.put("field-" + i, "value-" + i);
      }
      jedis.hset("hash:hundred-thousand-fields", wide);
    }
    for (int db = 1; db < 16; db++) {
      try (Jedis jedis = RedisDataSet.connect(redis, db)) {
        Pipeline p = jedis.pipelined();
        for (int i = 0; i < 200; i++) {
          p.rpush("list:" + db + ":" + i, "a", "b", Integer.toString(i));
          p.zadd("rank:" + db + ":" + i, i * 1.5, "member");
          p.sadd("set:" + db + ":" + i, "x", "y");
        }
        p.setex("expiring:" + db, 7200, "soon");
        p.sync();
      }
    }
  }

  @Test
  void everyTypeInEveryDatabaseComesBackWithTheSameDigestExpiryAndConsumerGroups() {
    seedEveryKind();
    Map<Integer, Map<ByteBuffer, RedisDigest.Key>> before = everyDatabase();
    long keys = before.values().stream().mapToLong(Map::size).sum();
    RunnerProcess runner = runner();

    RunnerProcess.Result backup = backUp(runner, redisArgs("redis-dump"));

    assertThat(backup.exit()).as(backup.log()).isZero();
    assertThat(backup.message())
        .contains(
            String.format("%,d keys in 16 databases", keys),
            "every key Redis counted is in the dump");
    JsonArray snapshots = runner.snapshots();
    assertThat(snapshots).hasSize(1);
    List<String> tags = new ArrayList<>();
    snapshots
        .get(0)
        .getAsJsonObject()
        .getAsJsonArray("tags")
        .forEach(tag -> tags.add(tag.getAsString()));
    assertThat(tags)
        .contains(
            "keepsake.dev/keys=" + keys,
            "keepsake.dev/databases=16",
            "keepsake.dev/keys.db0=" + before.get(0).size());

    flush();
    RunnerProcess.Result restore = restore(runner);

    assertThat(restore.exit()).as(restore.log()).isZero();
    assertThat(restore.message())
        .contains(
            String.format("restored %,d keys, as many as the backup counted", keys),
            "matches the backup's counts");
    Map<Integer, Map<ByteBuffer, RedisDigest.Key>> after = everyDatabase();
    for (int db = 0; db < 16; db++) {
      assertThat(RedisDigest.differences(before.get(db), after.get(db), 1_000))
          .as("database " + db)
          .isEmpty();
    }
  }

  @Test
  void aValueOf200MiBStreamsThroughARunnerWith128MiBOfHeap() {
    byte[] huge = new byte[HUGE_VALUE];
    new Random(1).nextBytes(huge);
    try (Jedis jedis = RedisDataSet.connect(redis, 5)) {
      jedis.set("blob:huge".getBytes(StandardCharsets.US_ASCII), huge);
      jedis.set("after-the-blob", "still here");
    }
    Map<ByteBuffer, RedisDigest.Key> before = RedisDigest.read(redis, 5);
    RunnerProcess runner = runner();

    RunnerProcess.Result backup = backUp(runner, redisArgs("redis-dump"));
    flush();
    RunnerProcess.Result restore = restore(runner);

    assertThat(backup.exit()).as(backup.log()).isZero();
    assertThat(restore.exit()).as(restore.log()).isZero();
    assertThat(RedisDigest.differences(before, RedisDigest.read(redis, 5), 1_000)).isEmpty();
    assertThat(restore.log())
        .as("progress while the value streams")
        .contains("restore: ")
        .contains("MiB");
  }

  @Test
  void writesAndExpiriesDuringTheBackupAreTheOnlyDifferenceAndDoNotFailIt() throws Exception {
    try (Jedis jedis = RedisDataSet.connect(redis, 0)) {
      Pipeline p = jedis.pipelined();
      for (int i = 0; i < 30_000; i++) {
        p.set("steady:" + i, "v" + i);
      }
      for (int i = 0; i < 2_000; i++) {
        p.psetex("short-lived:" + i, 300 + i, "gone soon");
      }
      p.sync();
    }
    Map<ByteBuffer, RedisDigest.Key> steady = RedisDigest.read(redis, 0);
    steady
        .keySet()
        .removeIf(
            name ->
                !StandardCharsets.ISO_8859_1
                    .decode(name.duplicate())
                    .toString()
                    .startsWith("steady:"));
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicLong written = new AtomicLong();
    Thread writer =
        new Thread(
            () -> {
              try (Jedis jedis = RedisDataSet.connect(redis, 0)) {
                for (int i = 0; writing.get(); i++) {
                  jedis.set("churn:" + i, "x");
                  if (i > 10) {
                    jedis.del("churn:" + (i - 10));
                  }
                  written.incrementAndGet();
                }
              }
            });
    writer.start();
    RunnerProcess runner = runner();
    RunnerProcess.Result backup;
    try {
      backup = backUp(runner, redisArgs("redis-dump", "--batch", "100"));
    } finally {
      writing.set(false);
      writer.join();
    }
    flush();
    RunnerProcess.Result restore = restore(runner);

    assertThat(written.get()).as("writes while the dump ran").isGreaterThan(100);
    assertThat(backup.exit()).as(backup.log()).isZero();
    assertThat(backup.message()).contains("writes, expirations or evictions while it ran");
    assertThat(restore.exit()).as(restore.log()).isZero();
    Map<ByteBuffer, RedisDigest.Key> restored = RedisDigest.read(redis, 0);
    restored
        .keySet()
        .removeIf(
            name ->
                !StandardCharsets.ISO_8859_1
                    .decode(name.duplicate())
                    .toString()
                    .startsWith("steady:"));
    assertThat(RedisDigest.differences(steady, restored, 1_000)).isEmpty();
  }

  @Test
  void aKeyTheUserMayNotReadFailsTheBackupWithItsNameAndNoSnapshot() {
    try (Jedis jedis = RedisDataSet.connect(redis, 0)) {
      jedis.set("public:1", "a");
      jedis.set("secret:1", "b");
      jedis.aclSetUser("backup-public", "on", ">backup-password", "~public:*", "+@all");
    }
    RunnerProcess runner = runner().with("REDISCLI_AUTH", "backup-password");
    runner.run("init");

    RunnerProcess.Result backup =
        backUp(runner, redisArgs("redis-dump", "--user", "backup-public"));

    assertThat(backup.exit()).isNotZero();
    assertThat(backup.reason()).isEqualTo("KeyUnreadable");
    assertThat(backup.message())
        .contains("secret:1", "NOPERM", "no snapshot was written")
        .doesNotContain("backup-password");
    assertThat(runner.snapshots()).isEmpty();
  }

  @Test
  void theLeastPrivilegesTheReadmeNamesAreEnoughForBackupAndRestore() {
    try (Jedis jedis = RedisDataSet.connect(redis, 0)) {
      jedis.set("a", "1");
      jedis.xadd("events", StreamEntryID.NEW_ENTRY, Map.of("k", "v"));
      jedis.aclSetUser(
          "backup",
          "on",
          ">backup-password",
          "%R~*",
          "-@all",
          "+scan",
          "+dump",
          "+pttl",
          "+time",
          "+info",
          "+select");
      jedis.aclSetUser(
          "restore",
          "on",
          ">restore-password",
          "%W~*",
          "-@all",
          "+restore",
          "+select",
          "+info",
          "+time");
    }
    try (Jedis jedis = RedisDataSet.connect(redis, 3)) {
      jedis.set("b", "2");
    }
    Map<ByteBuffer, RedisDigest.Key> db0 = RedisDigest.read(redis, 0);
    RunnerProcess runner = runner();

    RunnerProcess.Result backup =
        backUp(
            runner.with("REDISCLI_AUTH", "backup-password"),
            redisArgs("redis-dump", "--user", "backup"));
    flush();
    RunnerProcess.Result restore =
        restore(runner.with("REDISCLI_AUTH", "restore-password"), "--user", "restore");

    assertThat(backup.exit()).as(backup.log()).isZero();
    assertThat(restore.exit()).as(restore.log()).isZero();
    assertThat(RedisDigest.differences(db0, RedisDigest.read(redis, 0), 1_000)).isEmpty();
    assertThat(redis.cli("-n", "3", "GET", "b")).isEqualTo("2");
  }

  @Test
  void aDumpOfANewerRedisIsRefusedBeforeAnythingIsWritten() throws IOException {
    Path dump = work.resolve("newer.resp");
    Files.write(
        dump,
        resp(
            List.of(
                "ECHO",
                "keepsake-redis-dump/1 {\"redisVersion\":\"7.4.1\",\"databases\":[0],\"modules\":[]}"),
            List.of("SELECT", "0"),
            List.of("SET", "would-be-written", "x")));
    RunnerProcess runner = runner();
    assertThat(backUp(runner, List.of("cat", dump.toString())).exit()).isZero();

    RunnerProcess.Result restore = restore(runner);

    assertThat(restore.exit()).isNotZero();
    assertThat(restore.reason()).isEqualTo("RedisRefused");
    assertThat(restore.message())
        .contains(
            "Redis 7.4.1", "RDB 12", "restore into Redis 7.4 or newer", "Nothing was written");
    assertThat(redis.cli("DBSIZE")).isEqualTo("0");
  }

  @Test
  void aDumpThatNeedsModulesThisRedisLacksIsRefusedUnlessTheUserAllowsIt() throws IOException {
    Path dump = work.resolve("modules.resp");
    Files.write(
        dump,
        resp(
            List.of(
                "ECHO",
                "keepsake-redis-dump/1 {\"redisVersion\":\"7.0.15\",\"databases\":[0],\"modules\":[\"ReJSON\"]}"),
            List.of("SELECT", "0"),
            List.of("SET", "plain", "x"),
            List.of(
                "ECHO",
                "keepsake-redis-dump-end/1 {\"keys\":1,\"databases\":{\"0\":{\"keys\":1,\"commands\":0}}}")));
    RunnerProcess runner = runner();
    assertThat(backUp(runner, List.of("cat", dump.toString())).exit()).isZero();

    RunnerProcess.Result refused = restore(runner);

    assertThat(refused.exit()).isNotZero();
    assertThat(refused.message())
        .contains("[ReJSON]", "--allow-missing-modules", "Nothing was written");
    assertThat(redis.cli("DBSIZE")).isEqualTo("0");

    RunnerProcess.Result allowed = restore(runner, "--allow-missing-modules");

    assertThat(allowed.exit()).as(allowed.log()).isZero();
    assertThat(redis.cli("GET", "plain")).isEqualTo("x");
  }

  @Test
  void aPayloadRedisCannotReadFailsOnTheFirstKeyWithNothingWritten() throws IOException {
    try (Jedis jedis = RedisDataSet.connect(redis, 0)) {
      jedis.set("first", "1");
    }
    byte[] payload;
    try (Jedis jedis = RedisDataSet.connect(redis, 0)) {
      payload = jedis.dump("first");
      jedis.flushAll();
    }
    payload[payload.length - 10] =
        99; // a format version no Redis writes; the checksum no longer matches either
    Path dump = work.resolve("unreadable.resp");
    Files.write(
        dump,
        respBytes(
            List.of(
                List.of(bytes("SELECT"), bytes("0")),
                List.of(
                    bytes("RESTORE"),
                    bytes("first"),
                    bytes("0"),
                    payload,
                    bytes("REPLACE"),
                    bytes("ABSTTL")),
                List.of(bytes("SET"), bytes("second"), bytes("2")))));
    RunnerProcess runner = runner();
    assertThat(backUp(runner, List.of("cat", dump.toString())).exit()).isZero();

    RunnerProcess.Result restore = restore(runner);

    assertThat(restore.exit()).isNotZero();
    assertThat(restore.message())
        .contains(
            "Redis refused key 'first' of database 0",
            "payload version or checksum are wrong",
            "nothing was written");
    assertThat(redis.cli("DBSIZE")).isEqualTo("0");
  }

  @Test
  void aDumpCutShortIsARestoreFailureEvenThoughEveryCommandInItWorked() throws Exception {
    try (Jedis jedis = RedisDataSet.connect(redis, 0)) {
      for (int i = 0; i < 100; i++) {
        jedis.set("k" + i, "v");
      }
    }
    Path whole = work.resolve("whole.resp");
    ProcessBuilder dumping =
        new ProcessBuilder(redisArgs("redis-dump"))
            .redirectOutput(whole.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    dumping.command().set(0, Project.root().resolve("functions/bin/keepsake").toString());
    dumping.environment().put("REDISCLI_AUTH", PASSWORD);
    assertThat(dumping.start().waitFor()).isZero();
    byte[] dump = Files.readAllBytes(whole);
    String text = new String(dump, StandardCharsets.ISO_8859_1);
    Path cut =
        Files.write(
            work.resolve("cut.resp"),
            java.util.Arrays.copyOf(dump, text.lastIndexOf("*2\r\n$4\r\nECHO")));
    RunnerProcess runner = runner();
    assertThat(backUp(runner, List.of("cat", cut.toString())).exit()).isZero();
    flush();

    RunnerProcess.Result restore = restore(runner);

    assertThat(restore.exit()).isNotZero();
    assertThat(restore.message())
        .contains("the dump ends before its trailer: it was cut short", "100 keys were restored");
  }

  /**
   * A tool that prints an error and exits 0, as redis-dump-go v0.8.2 does on a stream.
   * (redis-dump-go itself cannot stand in here: its error printer runs in a goroutine that its exit
   * may outrun, so it sometimes drops even the error line, another reason the catalog no longer
   * uses it.)
   */
  @Test
  void aForeignToolThatPrintsErrorsAndExitsZeroFailsTheBackupWhenItsErrorLinesAreDeclared() {
    RunnerProcess runner = runner();
    runner.run("init");
    List<String> careless =
        List.of(
            "sh",
            "-c",
            "printf '*1\\r\\n$4\\r\\nPING\\r\\n'; sleep 0.2;"
                + " echo 'Error: Key stream:1 is of unreconized type stream' >&2; printf '*1\\r\\n$4\\r\\nPING\\r\\n'; exit 0");

    RunnerProcess.Result backup = backUp(runner, careless, "--error-line", "^Error: ");

    assertThat(backup.exit()).isNotZero();
    assertThat(backup.reason()).isEqualTo("DumpReportedErrors");
    assertThat(backup.message())
        .contains("stream:1", "unreconized type stream", "no snapshot was written");
    assertThat(runner.snapshots()).isEmpty();
    RunnerProcess.Result unguarded = backUp(runner, careless);
    assertThat(unguarded.exit())
        .as("without --error-line the same dump is stored: the pattern is what catches it")
        .isZero();
  }

  @Test
  void aDumpOfAnotherToolStillRestoresAsPlainCommands() {
    try (Jedis jedis = RedisDataSet.connect(redis, 0)) {
      for (int i = 0; i < 500; i++) {
        jedis.hset("h" + i, Map.of("f", "v" + i));
      }
    }
    Map<ByteBuffer, RedisDigest.Key> before = RedisDigest.read(redis, 0);
    RunnerProcess runner = runner().with("REDISDUMPGO_AUTH", PASSWORD);
    RunnerProcess.Result backup =
        backUp(
            runner,
            List.of("redis-dump-go", "-host=" + redis.host(), "-port=" + redis.port(), "-s"),
            "--error-line",
            "^Error: ");
    assertThat(backup.exit()).as(backup.log()).isZero();
    flush();

    RunnerProcess.Result restore = restore(runner);

    assertThat(restore.exit()).as(restore.log()).isZero();
    assertThat(restore.message())
        .contains(
            "into keepsake redis-load",
            "replayed 500 commands of a dump without Keepsake's counts");
    assertThat(RedisDigest.differences(before, RedisDigest.read(redis, 0), 1_000)).isEmpty();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] resp(List<String>... commands) {
    List<List<byte[]>> binary = new ArrayList<>();
    for (List<String> command : commands) {
      binary.add(command.stream().map(RedisDumpTest::bytes).toList());
    }
    return respBytes(binary);
  }

  private static byte[] respBytes(List<List<byte[]>> commands) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (List<byte[]> command : commands) {
      out.writeBytes(bytes("*" + command.size() + "\r\n"));
      for (byte[] argument : command) {
        out.writeBytes(bytes("$" + argument.length + "\r\n"));
        out.writeBytes(argument);
        out.writeBytes(bytes("\r\n"));
      }
    }
    return out.toByteArray();
  }
}
