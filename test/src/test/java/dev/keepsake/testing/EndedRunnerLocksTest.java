package dev.keepsake.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A runner killed mid-backup leaves its restic lock for 30 minutes (restic cannot tell another
 * host's dead process from a live one); the next runner removes it when the operator's word says
 * that runner's Job has ended, and keeps it otherwise.
 *
 * <p>The killed runner's lock is made by real restic under a runner pod's hostname, in a UTS
 * namespace of its own (unshare, as root).
 */
class EndedRunnerLocksTest {
  private static final String PASSWORD = "correct horse battery staple";
  private static final String HOST = "demo/redis";
  private static final String DEAD_JOB = "keepsake-backup-nightly-28312";
  private static final String DEAD_POD = DEAD_JOB + "-abcde";

  @TempDir Path work;
  private RunnerProcess runner;
  private final List<Process> holders = new ArrayList<>();

  @BeforeAll
  static void hostnamesCanBeChosen() {
    assumeTrue(
        exitOf("unshare", "--uts", "sh", "-c", "hostname keepsake-probe-abcde") == 0,
        "unshare --uts (root) is needed to make a lock under another hostname");
  }

  @BeforeEach
  void repositoryWithASnapshot() {
    runner =
        new RunnerProcess(
            work,
            Map.of(
                "RESTIC_REPOSITORY",
                work.resolve("repository").toString(),
                "RESTIC_PASSWORD",
                PASSWORD,
                "KEEPSAKE_NAMESPACE",
                "demo",
                "KEEPSAKE_CONFIGURATION",
                "cfg-" + work.getFileName()));
    RunnerProcess.Result backup =
        runner.run("backup", "--host", HOST, "--stdin-filename", "redis.resp", "--", "echo", "1");
    assertThat(backup.exit()).as(backup.log()).isZero();
  }

  @AfterEach
  void stopHolders() {
    holders.forEach(Process::destroyForcibly);
  }

  /**
   * The operator created this Job two minutes after the runner died, with {@code activeRunners}
   * still running; the lock counts as unrefreshed at once (in a cluster: after 10 minutes).
   */
  private RunnerProcess createdLater(String activeRunners) {
    return createdLaterWithDefaultWindow(activeRunners).with("KEEPSAKE_LOCK_REFRESH_WINDOW", "0s");
  }

  private RunnerProcess createdLaterWithDefaultWindow(String activeRunners) {
    return runner
        .with(
            "KEEPSAKE_JOB_CREATED",
            Instant.now().plus(2, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS).toString())
        .with("KEEPSAKE_ACTIVE_RUNNERS", activeRunners);
  }

  private RunnerProcess.Result retention(RunnerProcess next) {
    return next.run("forget", "--host", HOST, "--keep-last", "1", "--prune");
  }

  @Test
  void theLockOfAKilledRunnerWhoseJobEndedIsRemoved() {
    killWhileHoldingALock(DEAD_POD);

    RunnerProcess.Result retention = retention(createdLater(""));

    assertThat(retention.exit()).as(retention.log()).isZero();
    assertThat(retention.log())
        .contains("removed 1 lock(s) of Keepsake runners that have ended", "hosts: " + DEAD_POD);
    assertThat(runner.locks()).isZero();
  }

  @Test
  void theFreshLockOfARunnerWhoseJobTheOperatorSawEndIsRemovedAtOnce() {
    killWhileHoldingALock(DEAD_POD);

    RunnerProcess.Result retention =
        retention(
            runner
                .with(
                    "KEEPSAKE_JOB_CREATED",
                    Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())
                .with("KEEPSAKE_ACTIVE_RUNNERS", "keepsake-backup-hourly-28313")
                .with("KEEPSAKE_ENDED_RUNNERS", DEAD_JOB));

    assertThat(retention.exit()).as(retention.log()).isZero();
    assertThat(retention.log())
        .contains("removed 1 lock(s) of Keepsake runners that have ended", "hosts: " + DEAD_POD);
    assertThat(runner.locks()).isZero();
  }

  /**
   * The race the re-listing narrows but cannot close: a restic process locks the repository between
   * the last listing and `unlock --remove-all`. Here a wrapper around restic adds that lock just
   * before the removal; restic then says it removed two locks where one was judged, and the
   * retention leaves its prune for a later run rather than delete data of the process that lost its
   * lock.
   */
  @Test
  void aLockTakenJustBeforeTheRemovalStopsThePrune() throws IOException {
    killWhileHoldingALock(DEAD_POD);
    Path wrapper = work.resolve("restic-with-a-late-locker");
    java.nio.file.Files.writeString(
        wrapper,
        """
        #!/bin/sh
        case "$*" in
          *"unlock --remove-all"*)
            for lock in "$RESTIC_REPOSITORY"/locks/*; do
              cp "$lock" "$RESTIC_REPOSITORY/locks/$(printf '%064d' 7)"
              break
            done ;;
        esac
        exec restic "$@"
        """);
    wrapper.toFile().setExecutable(true);

    RunnerProcess.Result retention =
        retention(createdLater("").with("KEEPSAKE_RESTIC", wrapper.toString()));

    assertThat(retention.exit()).as(retention.log()).isZero();
    assertThat(retention.log())
        .contains("restic removed 2 locks", "(1 judged)", "so this run does not prune");
    assertThat(retention.message())
        .contains("kept 1 snapshots of " + HOST, "the prune was left for a later run")
        .doesNotContain("pruned unused data");
    assertThat(runner.locks()).isZero();
  }

  @Test
  void aLockRefreshedWithinTenMinutesStaysEvenWhenNoKnownJobOwnsIt() {
    killWhileHoldingALock(DEAD_POD);

    RunnerProcess.Result retention = retention(createdLaterWithDefaultWindow(""));

    assertThat(retention.reason()).as(retention.log()).isEqualTo("RepositoryLocked");
    assertThat(retention.log())
        .contains("of host " + DEAD_POD, "stays: made or refreshed within the last 10m");
    assertThat(runner.locks()).isEqualTo(1);
  }

  @Test
  void theLockOfARunnerWhoseJobStillRunsStays() {
    killWhileHoldingALock(DEAD_POD);

    RunnerProcess.Result retention =
        retention(createdLater("keepsake-backup-hourly-28313," + DEAD_JOB));

    assertThat(retention.reason()).as(retention.log()).isEqualTo("RepositoryLocked");
    assertThat(retention.log())
        .contains("of host " + DEAD_POD, "stays: Job " + DEAD_JOB + " had not finished");
    assertThat(runner.locks()).isEqualTo(1);
  }

  @Test
  void aKilledRunnersLockStaysWhileAnotherHostsLockIsHeld() {
    killWhileHoldingALock(DEAD_POD);
    holdALock("backup-laptop");

    RunnerProcess.Result retention = retention(createdLater(""));

    assertThat(retention.reason()).as(retention.log()).isEqualTo("RepositoryLocked");
    assertThat(retention.log())
        .contains(
            "of host backup-laptop",
            "stays: not a Keepsake runner's host",
            "2 lock(s) remain",
            "restic removes locks only all at once, so one live lock keeps them all");
    assertThat(runner.locks()).isEqualTo(2);
  }

  @Test
  void withoutTheOperatorsWordOnlyResticsRuleApplies() {
    killWhileHoldingALock(DEAD_POD);

    RunnerProcess.Result retention = retention(runner);

    assertThat(retention.reason()).as(retention.log()).isEqualTo("RepositoryLocked");
    assertThat(retention.log()).contains("restic judges them live");
    assertThat(runner.locks()).isEqualTo(1);
  }

  private void killWhileHoldingALock(String hostname) {
    Process holder = holdALock(hostname);
    holder.destroyForcibly();
    await().atMost(Duration.ofSeconds(10)).until(() -> !holder.isAlive());
  }

  /**
   * A restic backup from stdin holds its lock until its input ends; this one's input never does.
   * unshare and sh exec, so the process is restic itself and a kill leaves its lock behind.
   */
  private Process holdALock(String hostname) {
    int before = runner.locks();
    try {
      ProcessBuilder builder =
          new ProcessBuilder(
                  "unshare",
                  "--uts",
                  "sh",
                  "-c",
                  "hostname \"$1\" && exec restic backup --stdin --stdin-filename held",
                  "sh",
                  hostname)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD);
      builder.environment().put("RESTIC_REPOSITORY", runner.environmentValue("RESTIC_REPOSITORY"));
      builder.environment().put("RESTIC_PASSWORD", PASSWORD);
      Process holder = builder.start();
      holders.add(holder);
      await().atMost(Duration.ofSeconds(30)).until(() -> runner.locks() == before + 1);
      return holder;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int exitOf(String... command) {
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      return process.waitFor(30, TimeUnit.SECONDS) ? process.exitValue() : -1;
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
