package dev.keepsake.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The S3 server goes away in the middle of an upload. restic would retry for 15 minutes with the
 * dump held open; the runner stops it once the storage has failed every request for its patience,
 * says the storage side failed, and writes no snapshot. Once the server is back, the next backup
 * succeeds with no manual unlock and the earlier snapshot is intact.
 */
class StorageOutageTest {
  private static final String PASSWORD = "correct horse battery staple";
  private static final String HOST = "demo/redis";
  private static final String BUCKET = "outage";

  @TempDir Path work;
  private S3Server s3;

  @BeforeEach
  void startStorage() {
    s3 = S3Server.start(work.resolve("s3"));
  }

  @AfterEach
  void stopStorage() {
    s3.close();
  }

  private RunnerProcess runner() {
    String spec =
        "{\"backend\": {\"s3\": {\"endpoint\": \""
            + s3.endpoint()
            + "\", \"bucket\": \""
            + BUCKET
            + "\", \"prefix\": \"demo/redis\", \"forcePathStyle\": true}}, \"secret\": {\"name\": \"repo\"}}";
    return new RunnerProcess(
            work,
            Map.of(
                "RESTIC_PASSWORD",
                PASSWORD,
                "KEEPSAKE_NAMESPACE",
                "demo",
                "KEEPSAKE_CONFIGURATION",
                "cfg-outage"))
        .with("KEEPSAKE_REPOSITORY", spec)
        .with("RESTIC_REPOSITORY", "s3:" + s3.endpoint() + "/" + BUCKET + "/demo/redis")
        .with("KEEPSAKE_REPOSITORY_FLAGS", "-o s3.bucket-lookup=path")
        .with("AWS_ACCESS_KEY_ID", S3Server.ACCESS_KEY)
        .with("AWS_SECRET_ACCESS_KEY", S3Server.SECRET_KEY)
        .with("KEEPSAKE_STORAGE_PATIENCE", "20s");
  }

  private Path stored(String kind) {
    return work.resolve("s3/data").resolve(BUCKET).resolve("demo/redis").resolve(kind);
  }

  private long storedFiles(String kind) throws IOException {
    Path dir = stored(kind);
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).count();
    }
  }

  @Test
  void storageGoneMidUploadFailsNamingTheStorageAndTheNextBackupSucceeds() throws Exception {
    RunnerProcess runner = runner();
    RunnerProcess.Result first =
        runner.run("backup", "--host", HOST, "--stdin-filename", "redis.resp", "--", "echo", "1");
    assertThat(first.exit()).as(first.log()).isZero();
    long packsBefore = storedFiles("data");

    // About 8 MiB/s of data that does not compress or deduplicate, for up to 2 minutes.
    Process backup =
        runner.start(
            List.of(
                "backup",
                "--host",
                HOST,
                "--stdin-filename",
                "redis.resp",
                "--",
                "sh",
                "-c",
                "for i in $(seq 1 1000); do head -c 1048576 /dev/urandom; sleep 0.12; done"));
    await("restic uploading packs of the new stream")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> storedFiles("data") >= packsBefore + 2);
    Instant stopped = Instant.now();
    s3.close();

    RunnerProcess.Result failed = runner.finish(backup);
    Duration toFail = Duration.between(stopped, Instant.now());
    s3 = s3.restart();

    assertThat(failed.reason()).as(failed.log()).isEqualTo("EndpointUnreachable");
    assertThat(failed.message())
        .contains(
            "the repository's storage (s3:" + s3.endpoint(),
            "stopped answering after",
            "restic retried failing requests",
            "connection refused",
            "no snapshot was written and earlier ones are untouched")
        .doesNotContain(S3Server.SECRET_KEY);
    assertThat(failed.log()).contains("the repository's storage fails requests; restic retries");
    System.out.printf(
        "backup failed %d s after the storage stopped: %s%n", toFail.toSeconds(), failed.message());
    assertThat(toFail)
        .as("the runner gives up after its patience (20 s) rather than restic's 15 minutes")
        .isBetween(Duration.ofSeconds(20), Duration.ofSeconds(90));
    assertThat(runner.snapshots()).as("the earlier snapshot, and no new one").hasSize(1);

    RunnerProcess.Result next =
        runner.run("backup", "--host", HOST, "--stdin-filename", "redis.resp", "--", "echo", "2");
    assertThat(next.exit()).as(next.log()).isZero();
    assertThat(runner.snapshots()).hasSize(2);
    RunnerProcess.Result check = runner.run("check");
    assertThat(check.exit()).as(check.log()).isZero();
    assertThat(check.message()).contains("has no errors");
  }

  /** How many bytes the runner's restic dump has written, from /proc (0 before it starts). */
  private static long dumpWritten(Process runner) {
    return runner
        .descendants()
        .filter(p -> p.info().commandLine().orElse("").matches(".*restic.* dump .*"))
        .mapToLong(
            p -> {
              try {
                return Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "io")).stream()
                    .filter(line -> line.startsWith("wchar:"))
                    .mapToLong(line -> Long.parseLong(line.substring(6).trim()))
                    .sum();
              } catch (IOException | RuntimeException gone) {
                return 0;
              }
            })
        .sum();
  }

  @Test
  void storageGoneMidRestoreFailsNamingTheStorage() throws Exception {
    RunnerProcess runner = runner();
    Path data = work.resolve("data.bin");
    try (var out = Files.newOutputStream(data)) {
      byte[] block = new byte[1 << 20];
      java.util.Random random = new java.util.Random(7);
      for (int i = 0; i < 48; i++) {
        random.nextBytes(block);
        out.write(block);
      }
    }
    RunnerProcess.Result backup =
        runner.run(
            "backup",
            "--host",
            HOST,
            "--stdin-filename",
            "redis.resp",
            "--",
            "cat",
            data.toString());
    assertThat(backup.exit()).as(backup.log()).isZero();

    // The target takes 256 KiB every 0.1 s: restic dump is mid-stream for several seconds.
    Process restore =
        runner.start(
            List.of(
                "restore",
                "--host",
                HOST,
                "--snapshot",
                "latest",
                "--",
                "sh",
                "-c",
                "for i in $(seq 1 400); do head -c 262144 > /dev/null; sleep 0.1; done"));
    await("restic dump past its first 2 MiB")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> dumpWritten(restore) > 2 << 20);
    Instant stopped = Instant.now();
    s3.close();

    RunnerProcess.Result failed = runner.finish(restore);
    Duration toFail = Duration.between(stopped, Instant.now());
    s3 = s3.restart();

    assertThat(failed.reason()).as(failed.log()).isEqualTo("EndpointUnreachable");
    assertThat(failed.message())
        .contains(
            "the repository's storage (s3:" + s3.endpoint(),
            "of the snapshot had streamed",
            "connection refused",
            "the target may hold a partial restore");
    assertThat(toFail).isBetween(Duration.ofSeconds(20), Duration.ofSeconds(90));
    System.out.printf(
        "restore failed %d s after the storage stopped: %s%n",
        toFail.toSeconds(), failed.message());
  }
}
