package dev.keepsake.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keepsake.api.AppBinding;
import dev.keepsake.api.Repository;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;

/**
 * catalog/redis through its own manifests: seed → back up → flush → restore → compare, on a real
 * Redis.
 */
class CatalogRedisTest {
  private static final String PASSWORD = "redis password with spaces";
  private static RedisServer redis;
  private static S3Server s3;
  private static Map<ByteBuffer, RedisDataSet.Entry> seededDb0;
  private static Map<ByteBuffer, RedisDataSet.Entry> seededDb2;

  @TempDir Path work;

  @BeforeAll
  static void startServers(@TempDir Path servers) {
    redis = RedisServer.start(servers.resolve("redis"), PASSWORD);
    s3 = S3Server.start(servers.resolve("s3"));
    RedisDataSet.seed(redis);
    seededDb0 = RedisDataSet.read(redis, 0);
    seededDb2 = RedisDataSet.read(redis, 2);
    assertThat(seededDb0.size() + seededDb2.size()).isGreaterThanOrEqualTo(100_000);
  }

  @AfterAll
  static void stopServers() {
    redis.close();
    s3.close();
  }

  private AppBinding binding(CatalogRun run, String password) {
    return run.appBinding(
        "redis", "redis://127.0.0.1:" + redis.port(), Map.of("password", password), Map.of());
  }

  private static void backUpOrFail(
      CatalogRun run, Repository repository, AppBinding binding, Map<String, String> params) {
    Instant start = Instant.now();
    LocalPod.Outcome backup = run.backup(repository, binding, null, "redis-backup-7", params);
    assertThat(backup.succeeded()).as(CatalogRun.describe(backup)).isTrue();
    System.out.printf(
        "[catalog] redis backup into %s: %s in %d ms%s%n",
        repository.getMetadata().getName(),
        backup.containers().get(0).message(),
        Duration.between(start, Instant.now()).toMillis(),
        CatalogRun.summary(backup));
  }

  private static void flushAll() {
    try (Jedis jedis = RedisDataSet.connect(redis, 0)) {
      jedis.flushAll();
    }
  }

  private static void assertSameData(
      Map<ByteBuffer, RedisDataSet.Entry> expected, Map<ByteBuffer, RedisDataSet.Entry> actual) {
    assertThat(actual.keySet()).as("keys").isEqualTo(expected.keySet());
    for (Map.Entry<ByteBuffer, RedisDataSet.Entry> entry : expected.entrySet()) {
      RedisDataSet.Entry want = entry.getValue();
      RedisDataSet.Entry got = actual.get(entry.getKey());
      String key = StandardCharsets.ISO_8859_1.decode(entry.getKey().duplicate()).toString();
      assertThat(got.type()).as("type of " + key).isEqualTo(want.type());
      assertThat(got.value()).as("value of " + key).isEqualTo(want.value());
      if (want.ttlSeconds() < 0) {
        assertThat(got.ttlSeconds()).as("ttl of " + key).isEqualTo(want.ttlSeconds());
      } else {
        // The dump carries an absolute expiry (EXPIREAT); the time between seeding and reading back
        // is all it may lose.
        assertThat(got.ttlSeconds())
            .as("ttl of " + key)
            .isBetween(want.ttlSeconds() - 600, want.ttlSeconds());
      }
    }
  }

  @ParameterizedTest(name = "{0} repository")
  @ValueSource(strings = {"local", "s3"})
  void everyKeyTypeTtlAndBinaryKeyComesBackAfterAFlush(String kind) {
    CatalogRun run = new CatalogRun("redis", work);
    AppBinding binding = binding(run, PASSWORD);
    Repository repository = run.repository(kind, s3);
    backUpOrFail(run, repository, binding, Map.of());
    flushAll();

    Instant start = Instant.now();
    LocalPod.Outcome restore =
        run.restore(repository, binding, null, "redis-restore-7", Map.of(), "");

    assertThat(restore.succeeded()).as(CatalogRun.describe(restore)).isTrue();
    System.out.printf(
        "[catalog] redis restore from %s: %s in %d ms%s%n",
        kind,
        restore.last().message(),
        Duration.between(start, Instant.now()).toMillis(),
        CatalogRun.summary(restore));
    assertSameData(seededDb0, RedisDataSet.read(redis, 0));
    assertSameData(seededDb2, RedisDataSet.read(redis, 2));
  }

  @Test
  void aPartialRestoreBringsBackOneKeyPatternOrOneDatabaseOnly() {
    CatalogRun run = new CatalogRun("redis", work);
    AppBinding binding = binding(run, PASSWORD);
    Repository repository = run.repository("local", s3);
    backUpOrFail(run, repository, binding, Map.of());
    flushAll();

    LocalPod.Outcome carts =
        run.restore(
            repository, binding, null, "redis-restore-7", Map.of("KEY_PATTERN", "cart:*"), "");

    assertThat(carts.succeeded()).as(CatalogRun.describe(carts)).isTrue();
    assertSameData(
        seededDb0.entrySet().stream()
            .filter(
                e ->
                    StandardCharsets.ISO_8859_1
                        .decode(e.getKey().duplicate())
                        .toString()
                        .startsWith("cart:"))
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)),
        RedisDataSet.read(redis, 0));
    assertThat(RedisDataSet.read(redis, 2)).isEmpty();

    flushAll();
    LocalPod.Outcome sessions =
        run.restore(repository, binding, null, "redis-restore-7", Map.of("DATABASE", "2"), "");

    assertThat(sessions.succeeded()).as(CatalogRun.describe(sessions)).isTrue();
    assertThat(RedisDataSet.read(redis, 0)).isEmpty();
    assertSameData(seededDb2, RedisDataSet.read(redis, 2));
    flushAll();
    restoreEverything(run, repository, binding);
  }

  @Test
  void aRestoreWithAWrongPasswordFailsClearlyAndLeavesTheRepositoryAlone() {
    CatalogRun run = new CatalogRun("redis", work);
    AppBinding binding = binding(run, PASSWORD);
    Repository repository = run.repository("local", s3);
    backUpOrFail(run, repository, binding, Map.of("KEY_PATTERN", "session:*", "DATABASE", "2"));
    RunnerProcess restic =
        new RunnerProcess(
            work,
            Map.of(
                "RESTIC_REPOSITORY",
                work.resolve("repository").toString(),
                "RESTIC_PASSWORD",
                CatalogRun.RESTIC_PASSWORD));
    int snapshots = restic.snapshots().size();

    LocalPod.Outcome restore =
        run.restore(
            repository, binding(run, "not the password"), null, "redis-restore-7", Map.of(), "");

    assertThat(restore.succeeded()).isFalse();
    assertThat(restore.last().message()).contains("WRONGPASS", "nothing was written");
    assertThat(restore.last().message()).doesNotContain("not the password");
    assertThat(restic.snapshots()).hasSize(snapshots);
    assertThat(restic.locks()).isZero();
  }

  @Test
  void overTlsTheDataComesBackToo(@TempDir Path tls) throws Exception {
    Certificates authority = Certificates.newAuthority(tls, "keepsake-test-ca");
    Certificates.Issued server =
        authority.server(tls, "redis", List.of("localhost"), List.of("127.0.0.1"));
    try (RedisServer secure =
        RedisServer.start(
            tls.resolve("redis"),
            PASSWORD,
            server.certFile(),
            server.keyFile(),
            authority.authority().certFile())) {
      StringBuilder data = new StringBuilder();
      for (int i = 0; i < 1000; i++) {
        data.append("*3\r\n$3\r\nSET\r\n$")
            .append(("tls:" + i).length())
            .append("\r\ntls:")
            .append(i)
            .append("\r\n$")
            .append(Integer.toString(i * 7).length())
            .append("\r\n")
            .append(i * 7)
            .append("\r\n");
      }
      secure.cli(data.toString().getBytes(StandardCharsets.US_ASCII), "--pipe");
      String digest = secure.cli("DEBUG", "DIGEST");
      CatalogRun run = new CatalogRun("redis", work);
      AppBinding binding =
          run.appBinding(
              "redis",
              "rediss://127.0.0.1:" + secure.port(),
              Map.of("password", PASSWORD),
              Map.of(),
              Map.of("ca.crt", authority.authority().certificatePem()));
      Repository repository = run.repository("local", s3);
      run.timed(
          "backup over TLS",
          () -> run.backup(repository, binding, null, "redis-backup-7-tls", Map.of()));
      secure.cli("FLUSHALL");

      run.timed(
          "restore over TLS",
          () -> run.restore(repository, binding, null, "redis-restore-7-tls", Map.of(), ""));

      assertThat(secure.cli("DBSIZE")).isEqualTo("1000");
      assertThat(secure.cli("DEBUG", "DIGEST")).isEqualTo(digest);
    }
  }

  private static void restoreEverything(CatalogRun run, Repository repository, AppBinding binding) {
    assertThat(run.restore(repository, binding, null, "redis-restore-7", Map.of(), "").succeeded())
        .isTrue();
  }
}
