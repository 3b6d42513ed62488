package dev.keepsake.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The runner against real restic repositories (local and S3Proxy) and a real Pushgateway. */
class RunnerTest {
  private static final String PASSWORD = "correct horse battery staple";
  private static final String HOST = "demo/redis";
  private static final String TAG = "keepsake.dev/configuration=redis-nightly";
  private static S3Server s3;
  private static Pushgateway pushgateway;
  private static int buckets;

  @TempDir Path work;

  @BeforeAll
  static void startServers(@TempDir Path servers) {
    s3 = S3Server.start(servers.resolve("s3"));
    pushgateway = Pushgateway.start(servers);
  }

  @AfterAll
  static void stopServers() {
    s3.close();
    pushgateway.close();
  }

  private RunnerProcess localRepository() {
    return new RunnerProcess(
        work,
        Map.of(
            "RESTIC_REPOSITORY",
            work.resolve("repository").toString(),
            "RESTIC_PASSWORD",
            PASSWORD,
            "KEEPSAKE_PUSHGATEWAY_URL",
            pushgateway.url(),
            "KEEPSAKE_NAMESPACE",
            "demo",
            "KEEPSAKE_CONFIGURATION",
            "cfg-" + work.getFileName()));
  }

  private RunnerProcess s3Repository() {
    String bucket = "bucket-" + ++buckets;
    String spec =
        "{\"backend\": {\"s3\": {\"endpoint\": \""
            + s3.endpoint()
            + "\", \"bucket\": \""
            + bucket
            + "\", \"prefix\": \"demo/redis\", \"forcePathStyle\": true}}, \"secret\": {\"name\": \"repo\"}}";
    return localRepository()
        .with("KEEPSAKE_REPOSITORY", spec)
        .with("RESTIC_REPOSITORY", "s3:" + s3.endpoint() + "/" + bucket + "/demo/redis")
        .with("KEEPSAKE_REPOSITORY_FLAGS", "-o s3.bucket-lookup=path")
        .with("AWS_ACCESS_KEY_ID", S3Server.ACCESS_KEY)
        .with("AWS_SECRET_ACCESS_KEY", S3Server.SECRET_KEY);
  }

  private RunnerProcess repository(String kind) {
    return "s3".equals(kind) ? s3Repository() : localRepository();
  }

  private Path randomFile(String name, int size) throws IOException {
    byte[] data = new byte[size];
    new Random(size).nextBytes(data);
    return Files.write(work.resolve(name), data);
  }

  private RunnerProcess.Result backUp(RunnerProcess runner, String host, String... dumpCommand) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "backup", "--host", host, "--tag", TAG, "--stdin-filename", "redis.resp", "--"));
    args.addAll(List.of(dumpCommand));
    return runner.run(args.toArray(String[]::new));
  }

  @ParameterizedTest(name = "{0} repository")
  @ValueSource(strings = {"local", "s3"})
  void aStreamedBackupRestoresToTheSameBytes(String kind) throws IOException {
    RunnerProcess runner = repository(kind);
    Path dump = randomFile("dump.bin", 24 * 1024 * 1024 + 17);
    Path restored = work.resolve("restored.bin");

    RunnerProcess.Result backup = backUp(runner, HOST, "cat", dump.toString());
    RunnerProcess.Result restore =
        runner.run(
            "restore",
            "--host",
            HOST,
            "--tag",
            TAG,
            "--snapshot",
            "latest",
            "--",
            "sh",
            "-c",
            "cat > " + restored);

    assertThat(backup.exit()).as(backup.log()).isZero();
    assertThat(backup.reason()).isEqualTo("Completed");
    assertThat(backup.message()).contains("snapshot", "24.0 MiB");
    assertThat(backup.log()).contains("backup: ").contains("MiB/s");
    assertThat(restore.exit()).as(restore.log()).isZero();
    // The size comes with the snapshot (restic keeps a summary in it), so progress has a
    // percentage.
    assertThat(restore.log()).contains("of 24.0 MiB (100%)");
    assertThat(Files.mismatch(dump, restored)).isEqualTo(-1L);
    assertThat(runner.snapshots()).hasSize(1);
  }

  @ParameterizedTest(name = "{0} repository")
  @ValueSource(strings = {"local", "s3"})
  void filesOfAVolumeRestoreWithExcludesHonouredAndPartialRestoreOfOnePath(String kind)
      throws IOException {
    RunnerProcess runner = repository(kind);
    Path volume = Files.createDirectories(work.resolve("volume/data"));
    Files.writeString(volume.resolve("users.db"), "alice\nbob\n");
    Files.writeString(volume.resolve("debug.log"), "noise");
    Files.createDirectories(volume.resolve("photos"));
    Path photo = randomFile("volume/data/photos/cat.jpg", 300_000);

    RunnerProcess.Result backup =
        runner.run(
            "backup", "--host", "demo/files", "--path", volume.toString(), "--exclude", "*.log");
    Path everything = work.resolve("everything");
    RunnerProcess.Result full =
        runner.run("restore", "--host", "demo/files", "--target", everything.toString());
    Path onlyPhotos = work.resolve("only-photos");
    RunnerProcess.Result partial =
        runner.run(
            "restore",
            "--host",
            "demo/files",
            "--target",
            onlyPhotos.toString(),
            "--include",
            volume.resolve("photos").toString());

    assertThat(backup.exit()).as(backup.log()).isZero();
    assertThat(full.exit()).as(full.log()).isZero();
    Path restoredVolume = everything.resolve(volume.toString().substring(1));
    assertThat(Files.readString(restoredVolume.resolve("users.db"))).isEqualTo("alice\nbob\n");
    assertThat(Files.mismatch(photo, restoredVolume.resolve("photos/cat.jpg"))).isEqualTo(-1L);
    assertThat(restoredVolume.resolve("debug.log")).doesNotExist();
    assertThat(partial.exit()).as(partial.log()).isZero();
    Path partialVolume = onlyPhotos.resolve(volume.toString().substring(1));
    assertThat(partialVolume.resolve("photos/cat.jpg")).exists();
    assertThat(partialVolume.resolve("users.db")).doesNotExist();
  }

  @Test
  void aRestoreWhoseIncludeMatchesNoFileFailsRatherThanRestoringNothing() throws IOException {
    RunnerProcess runner = localRepository();
    Path volume = Files.createDirectories(work.resolve("claim/data"));
    Files.writeString(volume.resolve("users.db"), "alice\nbob\n");
    assertThat(runner.run("backup", "--host", "demo/files", "--path", volume.toString()).exit())
        .isZero();
    Path target = work.resolve("restored");

    // The claim's own path, as a user thinks of it, not the path inside the snapshot.
    RunnerProcess.Result missed =
        runner.run(
            "restore", "--host", "demo/files", "--target", target.toString(), "--include", "/data");
    java.util.function.Supplier<RunnerProcess.Result> restoreTheClaimsFolder =
        () ->
            runner.run(
                "restore",
                "--host",
                "demo/files",
                "--target",
                target.toString(),
                "--include",
                volume.toString());
    RunnerProcess.Result again = restoreTheClaimsFolder.get();
    RunnerProcess.Result inPlace = restoreTheClaimsFolder.get();

    assertThat(missed.exit()).as(missed.log()).isNotZero();
    assertThat(missed.reason()).isEqualTo("NothingMatched");
    assertThat(missed.message())
        .startsWith("the include patterns [/data] match no file of snapshot ")
        .contains("so nothing was restored into " + target);
    assertThat(again.exit()).as(again.log()).isZero();
    assertThat(target.resolve(volume.toString().substring(1)).resolve("users.db")).exists();
    // A second restore over what is already in place is not taken for a miss.
    assertThat(inPlace.exit()).as(inPlace.log()).isZero();
  }

  @Test
  void aDumpThatExitsOneMidwayLeavesNoSnapshotAndNamesTheDump() throws IOException {
    RunnerProcess runner = localRepository();
    Path dump = randomFile("dump.bin", 8 * 1024 * 1024);
    assertThat(backUp(runner, HOST, "cat", dump.toString()).exit()).isZero();

    RunnerProcess.Result failed =
        backUp(
            runner,
            HOST,
            "sh",
            "-c",
            "head -c 4000000 " + dump + "; echo 'ERR connection lost to redis' >&2; exit 1");

    assertThat(failed.exit()).isEqualTo(1);
    assertThat(failed.reason()).isEqualTo("DumpFailed");
    assertThat(failed.message())
        .contains(
            "the dump command sh exited with code 1",
            "no snapshot was written",
            "ERR connection lost to redis");
    assertThat(runner.snapshots()).hasSize(1);
    assertThat(runner.locks()).isZero();
  }

  @Test
  void anEmptyDumpIsToldApartAndLeavesEarlierSnapshotsAlone() {
    RunnerProcess runner = localRepository();
    backUp(runner, HOST, "echo", "earlier");

    RunnerProcess.Result empty = backUp(runner, HOST, "true");

    assertThat(empty.reason()).isEqualTo("EmptyDump");
    assertThat(empty.message())
        .contains("wrote nothing", "no snapshot was kept", "earlier ones are untouched");
    assertThat(runner.snapshots()).hasSize(1);
  }

  @Test
  void aKilledDumpLeavesNoSnapshot() throws IOException {
    RunnerProcess runner = localRepository();
    Path dump = randomFile("dump.bin", 8 * 1024 * 1024);

    RunnerProcess.Result failed =
        backUp(runner, HOST, "sh", "-c", "head -c 3000000 " + dump + "; kill -9 $$");

    assertThat(failed.reason()).isEqualTo("DumpKilled");
    assertThat(failed.message()).contains("was killed by signal 9", "no snapshot was written");
    assertThat(runner.snapshots()).isEmpty();
  }

  @Test
  void aKilledResticStopsTheDumpAndLeavesNoSnapshot() throws IOException {
    RunnerProcess runner = localRepository();
    // An existing repository: on a new one the first restic exits at once and a second one streams.
    assertThat(backUp(runner, "demo/other", "echo", "first").exit()).isZero();
    Path dump = randomFile("dump.bin", 2 * 1024 * 1024);
    Process backup =
        runner.start(
            List.of("backup", "--host", HOST, "--", "sh", "-c", "cat " + dump + "; sleep 120"));

    ProcessHandle restic =
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> child(backup, "restic", "backup"), p -> p != null);
    // The dump sleeps once restic has read all it wrote: restic is then mid-stream.
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> child(backup, "sleep", "120"), p -> p != null);
    restic.destroyForcibly();
    RunnerProcess.Result failed = runner.finish(backup);

    assertThat(failed.exit()).isEqualTo(1);
    assertThat(failed.message())
        .contains(
            "restic backup failed after receiving",
            "killed by signal 9",
            "the dump was stopped and no snapshot was written");
    assertThat(runner.snapshots("--host", HOST)).isEmpty();
  }

  @Test
  void aWrongPasswordIsToldApartAndNeverPrinted() throws IOException {
    RunnerProcess runner = localRepository();
    backUp(runner, HOST, "echo", "hello");

    RunnerProcess.Result failed =
        backUp(runner.with("RESTIC_PASSWORD", "guessed-password-123"), HOST, "echo", "again");

    assertThat(failed.reason()).isEqualTo("WrongPassword");
    assertThat(failed.message()).contains("wrong repository password");
    assertThat(failed.log() + failed.message())
        .doesNotContain("guessed-password-123")
        .doesNotContain(PASSWORD);
  }

  @Test
  void anUnreachableEndpointIsToldApart() {
    RunnerProcess runner =
        s3Repository()
            .with(
                "KEEPSAKE_REPOSITORY",
                "{\"backend\": {\"s3\": {\"endpoint\": \"http://127.0.0.1:1\", \"bucket\": \"backups\", \"forcePathStyle\": true}}, \"secret\": {\"name\": \"r\"}}");

    RunnerProcess.Result failed = backUp(runner, HOST, "echo", "hello");

    assertThat(failed.reason()).isEqualTo("EndpointUnreachable");
    assertThat(failed.message())
        .contains("cannot reach the repository endpoint", "connection refused");
  }

  @Test
  void aMissingBucketWithInitializeDisabledIsToldApart() {
    RunnerProcess runner =
        s3Repository()
            .with(
                "KEEPSAKE_REPOSITORY",
                "{\"backend\": {\"s3\": {\"endpoint\": \""
                    + s3.endpoint()
                    + "\", \"bucket\": \"no-such-bucket\", \"forcePathStyle\": true}}, \"secret\": {\"name\": \"r\"}, \"initialize\": false}");

    RunnerProcess.Result failed = backUp(runner, HOST, "echo", "hello");

    assertThat(failed.reason()).isEqualTo("BucketNotFound");
    assertThat(failed.message())
        .contains("bucket", "does not exist", "does not allow initializing it");
  }

  @Test
  void missingCredentialsAreNamedBeforeResticRuns() {
    RunnerProcess runner = s3Repository().with("AWS_SECRET_ACCESS_KEY", null);

    RunnerProcess.Result failed = backUp(runner, HOST, "echo", "hello");

    assertThat(failed.reason()).isEqualTo("MissingCredentials");
    assertThat(failed.message()).contains("the repository Secret has no AWS_SECRET_ACCESS_KEY");
  }

  @Test
  void aStaleLockOfAKilledProcessIsRemovedAutomatically() {
    RunnerProcess runner = localRepository();
    backUp(runner, HOST, "echo", "first");
    Process holder = startResticHoldingALock(runner);
    await().atMost(Duration.ofSeconds(30)).until(() -> runner.locks() == 1);
    holder.destroyForcibly();
    await().atMost(Duration.ofSeconds(10)).until(() -> !holder.isAlive());
    assertThat(runner.locks()).isEqualTo(1);

    RunnerProcess.Result retention = runner.run("forget", "--host", HOST, "--keep-last", "5");

    assertThat(retention.exit()).as(retention.log()).isZero();
    assertThat(retention.log()).contains("removed 1 stale lock(s) of dead processes");
    assertThat(runner.locks()).isZero();
  }

  @Test
  void aDumpSmallEnoughToBeAllInThePipeBeforeTheRestoreCommandOpensItArrivesWhole()
      throws IOException {
    RunnerProcess runner = localRepository();
    backUp(runner, HOST, "echo", "first");
    for (int i = 0; i < 5; i++) {
      Path restored = work.resolve("small-" + i);

      RunnerProcess.Result restore =
          runner.run(
              "restore", "--host", HOST, "--tag", TAG, "--", "sh", "-c", "cat > " + restored);

      assertThat(restore.exit()).as(restore.log()).isZero();
      assertThat(Files.readString(restored)).isEqualTo("first\n");
      // restic had ended before the restore command started: its bytes are counted from the pipe.
      assertThat(restore.message()).contains("restored 6 B of snapshot");
    }
  }

  @Test
  void aRestoreMeetingAStaleExclusiveLockRemovesItAndRestoresEveryByte() throws Exception {
    RunnerProcess runner = localRepository();
    Path dump = randomFile("dump.bin", 3 * 1024 * 1024 + 5);
    backUp(runner, HOST, "cat", dump.toString());
    Process check = startResticHoldingAnExclusiveLock(runner);
    check.destroyForcibly();
    check.waitFor();
    assertThat(runner.locks()).isEqualTo(1);
    Path restored = work.resolve("restored-after-stale-lock.bin");

    RunnerProcess.Result restore =
        runner.run("restore", "--host", HOST, "--tag", TAG, "--", "sh", "-c", "cat > " + restored);

    assertThat(restore.exit()).as(restore.log()).isZero();
    assertThat(restore.log())
        .contains(
            "removed 1 stale lock(s) of dead processes",
            "restic dump met a stale lock, now removed: started again");
    // restic 0.16+ tells of a lock in its way on stdout, the restore command's input: the dump runs
    // quiet, and the target holds the snapshot's bytes and nothing else.
    assertThat(Files.mismatch(dump, restored)).isEqualTo(-1L);
    assertThat(runner.locks()).isZero();
  }

  @Test
  void aFileRestoreMeetingAStaleExclusiveLockRemovesItAndRestoresTheFiles() throws Exception {
    RunnerProcess runner = localRepository();
    Path volume = Files.createDirectories(work.resolve("volume/data"));
    Files.writeString(volume.resolve("users.db"), "alice\nbob\n");
    RunnerProcess.Result backup =
        runner.run("backup", "--host", "demo/files", "--path", volume.toString());
    assertThat(backup.exit()).as(backup.log()).isZero();
    Process check = startResticHoldingAnExclusiveLock(runner);
    check.destroyForcibly();
    check.waitFor();
    Path target = work.resolve("restored-files");

    RunnerProcess.Result restore =
        runner.run("restore", "--host", "demo/files", "--target", target.toString());

    assertThat(restore.exit()).as(restore.log()).isZero();
    assertThat(restore.log())
        .contains("restic restore met a stale lock, now removed: started again");
    assertThat(Files.readString(target.resolve(volume.toString().substring(1)).resolve("users.db")))
        .isEqualTo("alice\nbob\n");
    assertThat(runner.locks()).isZero();
  }

  @Test
  void aRestoreOfAFileTheSnapshotDoesNotHoldNeverStartsItsCommand() {
    RunnerProcess runner = localRepository();
    backUp(runner, HOST, "echo", "first");
    Path started = work.resolve("restore-command-started-for-no-such-file");

    RunnerProcess.Result restore =
        runner.run(
            "restore",
            "--host",
            HOST,
            "--tag",
            TAG,
            "--stdin-filename",
            "no-such-dump.sql",
            "--",
            "sh",
            "-c",
            "touch " + started + "; cat > /dev/null");

    assertThat(restore.exit()).isEqualTo(1);
    assertThat(restore.message())
        .contains(
            "before the restore command was started; the target is untouched",
            "\"/no-such-dump.sql\" not found in snapshot");
    assertThat(started).doesNotExist();
    // restic's error on stderr is not a restored byte.
    assertThat(restore.log()).doesNotContainPattern("restore: [1-9]");
  }

  @Test
  void aRestoreMeetingALiveExclusiveLockNeverStartsItsCommand() throws Exception {
    RunnerProcess runner = localRepository();
    backUp(runner, HOST, "echo", "first");
    Process check = startResticHoldingAnExclusiveLock(runner);
    Path started = work.resolve("restore-command-started");
    try {
      RunnerProcess.Result restore =
          runner.run(
              "restore",
              "--host",
              HOST,
              "--tag",
              TAG,
              "--",
              "sh",
              "-c",
              "touch " + started + "; cat > /dev/null");

      assertThat(restore.exit()).isEqualTo(1);
      assertThat(restore.reason()).isEqualTo("RepositoryLocked");
      assertThat(restore.message())
          .contains(
              "before the restore command was started; the target is untouched",
              "locked by a live process (PID " + check.pid(),
              "the lock was left alone");
      assertThat(started).doesNotExist();
      assertThat(runner.locks()).isEqualTo(1);
    } finally {
      check.destroyForcibly();
      check.waitFor();
    }
  }

  @Test
  void aLiveLockIsRespectedAndReported() {
    RunnerProcess runner = localRepository();
    backUp(runner, HOST, "echo", "first");
    Process holder = startResticHoldingALock(runner);
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> runner.locks() == 1);

      RunnerProcess.Result retention =
          runner.run("forget", "--host", HOST, "--keep-last", "1", "--prune");

      assertThat(retention.exit()).isEqualTo(1);
      assertThat(retention.reason()).isEqualTo("RepositoryLocked");
      assertThat(retention.message())
          .contains("locked by a live process (PID " + holder.pid(), "the lock was left alone");
      assertThat(runner.locks()).isEqualTo(1);
    } finally {
      holder.destroy();
    }
  }

  @Test
  void retentionKeepsExactlyWhatThePolicySaysAndOnlyForItsTarget() {
    RunnerProcess runner = localRepository();
    for (int i = 0; i < 4; i++) {
      assertThat(backUp(runner, HOST, "echo", "redis " + i).exit()).isZero();
    }
    backUp(runner, "demo/postgres", "echo", "postgres 1");
    backUp(runner, "demo/postgres", "echo", "postgres 2");
    List<String> newestTwo = ids(runner.snapshots("--host", HOST)).subList(2, 4);

    RunnerProcess.Result retention =
        runner.run("forget", "--host", HOST, "--tag", TAG, "--keep-last", "2", "--prune");

    assertThat(retention.exit()).as(retention.log()).isZero();
    assertThat(retention.message())
        .contains("removed 2 and kept 2 snapshots of demo/redis", "pruned");
    assertThat(ids(runner.snapshots("--host", HOST))).containsExactlyElementsOf(newestTwo);
    assertThat(runner.snapshots("--host", "demo/postgres")).hasSize(2);
  }

  @Test
  void latestForOneTargetIgnoresAnotherTargetsNewerSnapshot() {
    RunnerProcess runner = localRepository();
    backUp(runner, "demo/redis-a", "echo", "data of a");
    backUp(runner, "demo/redis-b", "echo", "data of b, newer");
    Path restored = work.resolve("restored.txt");

    RunnerProcess.Result restore =
        runner.run(
            "restore",
            "--host",
            "demo/redis-a",
            "--snapshot",
            "latest",
            "--",
            "sh",
            "-c",
            "cat > " + restored);

    assertThat(restore.exit()).as(restore.log()).isZero();
    assertThat(restored).hasContent("data of a");
  }

  @Test
  void aRestoreOfAHostWithoutSnapshotsSaysSoAndTouchesNothing() {
    RunnerProcess runner = localRepository();
    backUp(runner, "demo/redis-a", "echo", "data of a");

    RunnerProcess.Result restore =
        runner.run("restore", "--host", "demo/other", "--", "sh", "-c", "cat > /dev/null");

    assertThat(restore.reason()).isEqualTo("SnapshotNotFound");
    assertThat(restore.message())
        .contains("no snapshot of host demo/other", "nothing was restored");
  }

  @Test
  void metricsArePushedAfterSuccessAndAfterFailure() {
    RunnerProcess runner = localRepository();
    Map<String, String> group =
        Map.of(
            "job",
            "keepsake-backup",
            "namespace",
            "demo",
            "configuration",
            "cfg-" + work.getFileName());

    backUp(runner, HOST, "echo", "hello");
    double lastSuccess =
        pushgateway.value("keepsake_backup_last_success_timestamp_seconds", group).orElseThrow();
    assertThat(pushgateway.value("keepsake_backup_success", group)).contains(1.0);
    assertThat(pushgateway.value("keepsake_backup_bytes_processed", group)).contains(6.0);

    backUp(runner, HOST, "sh", "-c", "echo partial; exit 3");
    backUp(runner, HOST, "sh", "-c", "echo partial; exit 3");

    assertThat(pushgateway.value("keepsake_backup_success", group)).contains(0.0);
    assertThat(pushgateway.value("keepsake_backup_failures_total", group)).contains(2.0);
    assertThat(pushgateway.value("keepsake_backup_last_success_timestamp_seconds", group))
        .contains(lastSuccess);
    assertThat(pushgateway.metrics()).doesNotContain(PASSWORD);
  }

  @Test
  void retentionReportsTheWholeRepositorysSnapshotsAndSize() {
    RunnerProcess runner =
        localRepository().with("KEEPSAKE_REPOSITORY_NAME", "shared-" + work.getFileName());
    backUp(runner, HOST, "echo", "redis 1");
    backUp(runner, HOST, "echo", "redis 2");
    backUp(runner, "demo/postgres", "echo", "postgres 1");

    RunnerProcess.Result retention =
        runner.run("forget", "--host", HOST, "--tag", TAG, "--keep-last", "1", "--prune");

    assertThat(retention.exit()).as(retention.log()).isZero();
    assertThat(retention.log()).contains("the repository holds 2 snapshots");
    Map<String, String> group =
        Map.of(
            "job",
            "keepsake-repository",
            "namespace",
            "demo",
            "repository",
            "shared-" + work.getFileName());
    assertThat(pushgateway.value("keepsake_repository_snapshots", group)).contains(2.0);
    assertThat(pushgateway.value("keepsake_repository_size_bytes", group))
        .hasValueSatisfying(size -> assertThat(size).isPositive());
  }

  @ParameterizedTest(name = "{0} repository")
  @ValueSource(strings = {"local", "s3"})
  void wipeRemovesEverySnapshotOfEveryHost(String kind) {
    RunnerProcess runner = repository(kind).with("KEEPSAKE_REPOSITORY_NAME", "doomed");
    backUp(runner, HOST, "echo", "redis 1");
    backUp(runner, "demo/postgres", "echo", "postgres 1");

    RunnerProcess.Result refused = runner.run("wipe", "--confirm", "another");
    assertThat(refused.exit()).isNotZero();
    assertThat(refused.message()).contains("does not name this repository", "nothing was deleted");
    assertThat(runner.snapshots()).hasSize(2);

    RunnerProcess.Result wipe = runner.run("wipe", "--confirm", "doomed");

    assertThat(wipe.exit()).as(wipe.log()).isZero();
    if (kind.equals("local")) {
      assertThat(work.resolve("repository")).doesNotExist();
      assertThat(wipe.message()).contains("deleted the repository", "2 snapshots");
    } else {
      assertThat(runner.snapshots()).isEmpty();
      assertThat(wipe.message()).contains("removed all 2 snapshots");
    }
    RunnerProcess.Result again = runner.run("wipe", "--confirm", "doomed");
    assertThat(again.exit()).as(again.log()).isZero();
  }

  @Test
  void wipeLeavesAFolderThatHoldsMoreThanARepository() throws IOException {
    RunnerProcess runner = localRepository().with("KEEPSAKE_REPOSITORY_NAME", "doomed");
    backUp(runner, HOST, "echo", "redis 1");
    Files.writeString(work.resolve("repository").resolve("notes.txt"), "not restic's");

    RunnerProcess.Result wipe = runner.run("wipe", "--confirm", "doomed");

    assertThat(wipe.reason()).isEqualTo("NotARepository");
    assertThat(wipe.message()).contains("notes.txt", "nothing was deleted");
    assertThat(runner.snapshots()).hasSize(1);
  }

  /**
   * A restic check (which locks the repository exclusively) stopped by SIGSTOP as soon as its lock
   * is written: a live process holding an exclusive lock, until the test kills it (then a stale
   * lock).
   */
  private static Process startResticHoldingAnExclusiveLock(RunnerProcess runner)
      throws IOException, InterruptedException {
    Path locks = Path.of(runner.environmentValue("RESTIC_REPOSITORY"), "locks");
    for (int attempt = 0; attempt < 5; attempt++) {
      ProcessBuilder builder =
          new ProcessBuilder("restic", "check")
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD);
      builder.environment().put("RESTIC_REPOSITORY", runner.environmentValue("RESTIC_REPOSITORY"));
      builder.environment().put("RESTIC_PASSWORD", PASSWORD);
      Process check = builder.start();
      // restic writes its lock under a temporary name, then renames it, and waits 200 ms before it
      // goes on: time enough to stop it with its lock in place.
      while (check.isAlive() && !holdsALock(locks)) {
        Thread.sleep(2);
      }
      if (check.isAlive()) {
        new ProcessBuilder("kill", "-STOP", Long.toString(check.pid())).start().waitFor();
        if (holdsALock(locks)) {
          return check;
        }
      }
      check.destroyForcibly();
      check.waitFor();
    }
    throw new IllegalStateException("restic check never held its lock long enough to be stopped");
  }

  private static boolean holdsALock(Path locks) throws IOException {
    if (!Files.isDirectory(locks)) {
      return false;
    }
    try (var entries = Files.list(locks)) {
      return entries.anyMatch(f -> f.getFileName().toString().matches("[0-9a-f]{64}"));
    }
  }

  /**
   * A restic backup from stdin holds its lock until its input ends; this one's input never does.
   */
  private static Process startResticHoldingALock(RunnerProcess runner) {
    try {
      ProcessBuilder builder =
          new ProcessBuilder("restic", "backup", "--stdin", "--stdin-filename", "held")
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD);
      builder.environment().put("RESTIC_REPOSITORY", runner.environmentValue("RESTIC_REPOSITORY"));
      builder.environment().put("RESTIC_PASSWORD", PASSWORD);
      return builder.start();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ProcessHandle child(Process parent, String command, String argument) {
    return parent
        .toHandle()
        .descendants()
        .filter(p -> p.info().command().map(c -> c.endsWith("/" + command)).orElse(false))
        .filter(p -> p.info().arguments().map(a -> List.of(a).contains(argument)).orElse(false))
        .findFirst()
        .orElse(null);
  }

  private static List<String> ids(JsonArray snapshots) {
    List<String> ids = new ArrayList<>();
    for (JsonElement snapshot : snapshots) {
      ids.add(snapshot.getAsJsonObject().get("id").getAsString());
    }
    return ids;
  }
}
