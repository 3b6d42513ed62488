package dev.keepsake.runner.restic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keepsake.runner.restic.RunnerPeers.LockJudgement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which leftover locks belong to Keepsake runners that have ended. */
class RunnerPeersTest {
  private static final Instant CREATED = Instant.parse("2026-03-01T02:00:00Z");
  private static final String DEAD_HOST = "keepsake-backup-nightly-28312-abcde";

  private static RunnerPeers peers(String... activeJobs) {
    return new RunnerPeers(CREATED, List.of(activeJobs));
  }

  private static ResticLock lock(String host, Duration beforeCreation) {
    return new ResticLock(
        "d5e7156ef60b80a18cea98232e0d5014949f1fd1b84248ebdc4ce98f06c12298",
        CREATED.minus(beforeCreation),
        true,
        host,
        "root",
        23097L);
  }

  @Test
  void aDeadRunnersOldLockIsEnded() {
    LockJudgement judgement =
        peers("keepsake-backup-hourly-28313").judge(lock(DEAD_HOST, Duration.ofMinutes(7)));

    assertThat(judgement.ended()).isTrue();
  }

  @Test
  void aLockOfAnActiveJobIsKept() {
    LockJudgement judgement =
        peers("keepsake-backup-hourly-28313", "keepsake-backup-nightly-28312")
            .judge(lock(DEAD_HOST, Duration.ofMinutes(7)));

    assertThat(judgement.ended()).isFalse();
    assertThat(judgement.why()).contains("keepsake-backup-nightly-28312", "had not finished");
  }

  @Test
  void aLockNewerThanThisJobIsKept() {
    RunnerPeers peers = peers();

    assertThat(peers.judge(lock(DEAD_HOST, Duration.ofMinutes(-3))).ended()).isFalse();
    assertThat(peers.judge(lock(DEAD_HOST, Duration.ZERO)).ended()).isFalse();
    // Within the clock margin: a runner started just after this Job on a clock that runs behind.
    assertThat(peers.judge(lock(DEAD_HOST, Duration.ofSeconds(59))).ended()).isFalse();
    assertThat(peers.judge(lock(DEAD_HOST, Duration.ofSeconds(60))).ended()).isFalse();
    assertThat(peers.judge(lock(DEAD_HOST, Duration.ofSeconds(61))).ended()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"laptop", "backup-server", "keepsake", "Keepsake-backup-x-abcde", ""})
  void aLockOfAnotherHostIsKept(String host) {
    LockJudgement judgement = peers().judge(lock(host, Duration.ofHours(2)));

    assertThat(judgement.ended()).isFalse();
    assertThat(judgement.why()).contains("not a Keepsake runner's host");
  }

  @Test
  void aLockWithoutHostOrTimeIsKept() {
    ResticLock noHost = new ResticLock("a", CREATED.minusSeconds(3600), true, null, null, null);
    ResticLock noTime = new ResticLock("b", null, true, DEAD_HOST, null, null);

    assertThat(peers().judge(noHost).ended()).isFalse();
    assertThat(peers().judge(noTime).ended()).isFalse();
  }

  @Test
  void aLongHostnameCutTo63CharactersMatchesItsActiveJob() {
    // Names.fit keeps Job names within 63 characters; Kubernetes cuts "name-" to 58 for the pod.
    String job = "keepsake-backup-postgres-orders-nightly-at-two-29512345-8c2f1a7e";
    String job63 = job.substring(0, 63);
    String pod = job63.substring(0, 58) + "x7k2p";
    assertThat(pod).hasSize(63);

    assertThat(peers(job63).judge(lock(pod, Duration.ofHours(1))).ended()).isFalse();
    assertThat(peers(job63.substring(0, 60)).judge(lock(pod, Duration.ofHours(1))).ended())
        .isFalse();
    assertThat(peers("keepsake-backup-other").judge(lock(pod, Duration.ofHours(1))).ended())
        .isTrue();
  }

  @Test
  void aLockOfAJobThatEndedIsEndedAtOnceWhateverItsAge() {
    RunnerPeers peers =
        new RunnerPeers(
            CREATED,
            List.of("keepsake-backup-hourly-28313"),
            List.of("keepsake-backup-nightly-28312"),
            Duration.ofMinutes(10));
    Instant justAfter = CREATED.plusSeconds(5);

    LockJudgement fresh = peers.judge(lock(DEAD_HOST, Duration.ofSeconds(20)), justAfter);
    assertThat(fresh.ended()).as(fresh.why()).isTrue();
    assertThat(fresh.why()).contains("keepsake-backup-nightly-28312", "had ended");
    assertThat(
            peers
                .judge(lock("keepsake-backup-hourly-28313-qwert", Duration.ofHours(1)), justAfter)
                .ended())
        .as("a running Job's lock stays")
        .isFalse();
    assertThat(
            peers.judge(lock("keepsake-backup-weekly-1-qwert", Duration.ofSeconds(20)), justAfter))
        .as("an unknown runner's fresh lock stays")
        .extracting(LockJudgement::ended)
        .isEqualTo(false);
  }

  /**
   * Job names may be prefixes of each other: a configuration "orders" and another "orders-eu" on
   * the same repository. Only the ended Job's own pods' locks are ended.
   */
  @Test
  void anEndedJobDoesNotClaimTheLocksOfAJobWhoseNameItBegins() {
    RunnerPeers peers =
        new RunnerPeers(
            CREATED, List.of(), List.of("keepsake-backup-orders"), Duration.ofMinutes(10));
    Instant justAfter = CREATED.plusSeconds(5);

    assertThat(
            peers
                .judge(lock("keepsake-backup-orders-eu-x7k2p", Duration.ofSeconds(20)), justAfter)
                .ended())
        .as("the live orders-eu runner's fresh lock")
        .isFalse();
    assertThat(peers.judge(lock("keepsake-backup-orders-x7k2p", Duration.ofSeconds(20)), justAfter))
        .extracting(LockJudgement::ended)
        .isEqualTo(true);
    assertThat(peers.judge(lock("keepsake-backup-orders-x7k2", Duration.ofSeconds(20)), justAfter))
        .extracting(LockJudgement::ended)
        .isEqualTo(false);
  }

  /** Past 57 characters only a prefix of the Job's name is in its pods' names: never certain. */
  @Test
  void anEndedJobWithANameTooLongForItsPodsNamesClaimsNoFreshLock() {
    String longJob = "keepsake-backup-a-configuration-name-long-enough-to-be-cut-x1";
    String pod = (longJob + "-").substring(0, 58) + "q2w3e";
    RunnerPeers peers =
        new RunnerPeers(CREATED, List.of(), List.of(longJob), Duration.ofMinutes(10));

    assertThat(peers.judge(lock(pod, Duration.ofSeconds(20)), CREATED.plusSeconds(5)).ended())
        .isFalse();
    assertThat(peers.judge(lock(pod, Duration.ofHours(1)), CREATED.plusSeconds(5)).ended())
        .as("an old lock still goes by the refresh window")
        .isTrue();

    // 57 characters: its pods' names are whole, but 63 long, as are those of any longer Job that
    // begins with it and "-".
    String job57 = "keepsake-backup-" + "n".repeat(41);
    assertThat(job57).hasSize(57);
    RunnerPeers ended57 =
        new RunnerPeers(CREATED, List.of(), List.of(job57), Duration.ofMinutes(10));
    assertThat(
            ended57
                .judge(lock(job57 + "-q2w3e", Duration.ofSeconds(20)), CREATED.plusSeconds(5))
                .ended())
        .isFalse();
    String job56 = job57.substring(0, 56);
    assertThat(
            new RunnerPeers(CREATED, List.of(), List.of(job56), Duration.ofMinutes(10))
                .judge(lock(job56 + "-q2w3e", Duration.ofSeconds(20)), CREATED.plusSeconds(5))
                .ended())
        .isTrue();
  }

  @Test
  void aLockOfANameBothEndedAndRunningIsKept() {
    RunnerPeers peers =
        new RunnerPeers(
            CREATED,
            List.of("keepsake-backup-nightly-28312"),
            List.of("keepsake-backup-nightly-28312"),
            Duration.ofMinutes(10));

    assertThat(peers.judge(lock(DEAD_HOST, Duration.ofHours(1))).ended()).isFalse();
  }

  @Test
  void endedJobsAreReadFromTheEnvironmentAndAnUnreadableListOnlyLosesThem() {
    Map<String, String> environment = new HashMap<>();
    environment.put(RunnerPeers.JOB_CREATED, "2026-03-01T02:00:00Z");
    environment.put(RunnerPeers.ACTIVE_RUNNERS, "keepsake-backup-a-1");
    environment.put(RunnerPeers.ENDED_RUNNERS, "keepsake-backup-b-1, keepsake-backup-c-2");
    assertThat(RunnerPeers.fromEnvironment(environment).orElseThrow().endedJobs())
        .containsExactly("keepsake-backup-b-1", "keepsake-backup-c-2");

    environment.put(RunnerPeers.ENDED_RUNNERS, "keepsake-backup-b-1,NOT A NAME");
    RunnerPeers unreadable = RunnerPeers.fromEnvironment(environment).orElseThrow();
    assertThat(unreadable.endedJobs()).isEmpty();
    assertThat(unreadable.activeJobs()).containsExactly("keepsake-backup-a-1");
  }

  @Test
  void theOperatorsWordIsReadFromTheEnvironment() {
    Optional<RunnerPeers> peers =
        RunnerPeers.fromEnvironment(
            Map.of(
                RunnerPeers.JOB_CREATED,
                "2026-03-01T02:00:00Z",
                RunnerPeers.ACTIVE_RUNNERS,
                "keepsake-backup-a-1, keepsake-restore-b"));

    assertThat(peers)
        .contains(new RunnerPeers(CREATED, List.of("keepsake-backup-a-1", "keepsake-restore-b")));
  }

  @Test
  void anEmptyListOfActiveRunnersMeansNoneWereActive() {
    assertThat(
            RunnerPeers.fromEnvironment(
                Map.of(
                    RunnerPeers.JOB_CREATED,
                    "2026-03-01T03:00:00+01:00",
                    RunnerPeers.ACTIVE_RUNNERS,
                    "")))
        .contains(new RunnerPeers(CREATED, List.of()));
  }

  @Test
  void missingOrGarbledVariablesGiveNoJudgement() {
    assertThat(RunnerPeers.fromEnvironment(Map.of())).isEmpty();
    assertThat(environment(null, "")).isEmpty();
    assertThat(environment("2026-03-01T02:00:00Z", null)).isEmpty();
    assertThat(environment("", "")).isEmpty();
    assertThat(environment("  ", "keepsake-backup-a")).isEmpty();
    assertThat(environment("yesterday", "")).isEmpty();
    assertThat(environment("2026-03-01 02:00", "")).isEmpty();
    assertThat(environment("2026-03-01T02:00:00Z", "keepsake backup a")).isEmpty();
    assertThat(environment("2026-03-01T02:00:00Z", "keepsake-backup-a;keepsake-b")).isEmpty();
    assertThat(environment("2026-03-01T02:00:00Z", "Keepsake-Backup-A")).isEmpty();
  }

  @Test
  void mixedLocksAreNotAllEnded() {
    RunnerPeers peers = peers("keepsake-backup-hourly-28313");
    List<LockJudgement> judged =
        List.of(
            peers.judge(lock(DEAD_HOST, Duration.ofMinutes(7))),
            peers.judge(lock("keepsake-backup-hourly-28313-zzzzz", Duration.ofMinutes(2))),
            peers.judge(lock("laptop", Duration.ofMinutes(20))));

    assertThat(judged).extracting(LockJudgement::ended).containsExactly(true, false, false);
  }

  @Test
  void resticsLockJsonIsRead() {
    ResticLock lock =
        ResticLock.parse(
            "d5e7156ef60b80a18cea98232e0d5014949f1fd1b84248ebdc4ce98f06c12298",
            """
            {
              "time": "2026-12-06T05:27:22.654087871+01:00",
              "exclusive": false,
              "hostname": "keepsake-backup-x-abcde",
              "username": "root",
              "pid": 23097
            }
            """);

    assertThat(lock.time()).isEqualTo(Instant.parse("2026-12-06T04:27:22.654087871Z"));
    assertThat(lock.exclusive()).isFalse();
    assertThat(lock.hostname()).isEqualTo("keepsake-backup-x-abcde");
    assertThat(lock.pid()).isEqualTo(23097L);
    assertThat(lock.shortId()).isEqualTo("d5e7156e");
    assertThatThrownBy(() -> ResticLock.parse("x", "Fatal: no lock"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aLockIsDescribedWithoutItsUser() {
    LockJudgement judgement = peers().judge(lock(DEAD_HOST, Duration.ofMinutes(12)));

    assertThat(judgement.describe(CREATED))
        .isEqualTo("lock d5e7156e of host " + DEAD_HOST + " (exclusive, 12m0s old)")
        .doesNotContain("root");
  }

  private static Optional<RunnerPeers> environment(String created, String active) {
    Map<String, String> environment = new HashMap<>();
    if (created != null) {
      environment.put(RunnerPeers.JOB_CREATED, created);
    }
    if (active != null) {
      environment.put(RunnerPeers.ACTIVE_RUNNERS, active);
    }
    return RunnerPeers.fromEnvironment(environment);
  }

  @Test
  void aLockRefreshedWithinTheWindowStaysWhateverTheOperatorSays() {
    RunnerPeers peers = peers();
    ResticLock refreshedLately = lock(DEAD_HOST, Duration.ofMinutes(7));
    Instant nineMinutesOn = CREATED.minus(Duration.ofMinutes(7)).plus(Duration.ofMinutes(9));
    Instant elevenMinutesOn = CREATED.minus(Duration.ofMinutes(7)).plus(Duration.ofMinutes(11));

    LockJudgement early = peers.judge(refreshedLately, nineMinutesOn);
    assertThat(early.ended()).isFalse();
    assertThat(early.why()).contains("refreshed within the last 10m");
    assertThat(peers.judge(refreshedLately, elevenMinutesOn).ended()).isTrue();
  }

  @Test
  void theRefreshWindowCanBeSetAndAGarbledOneIsTheDefault() {
    Map<String, String> base =
        Map.of(RunnerPeers.JOB_CREATED, CREATED.toString(), RunnerPeers.ACTIVE_RUNNERS, "");
    var withWindow = new java.util.HashMap<>(base);
    withWindow.put(RunnerPeers.REFRESH_WINDOW, "0s");
    assertThat(RunnerPeers.fromEnvironment(withWindow).orElseThrow().refreshWindow())
        .isEqualTo(Duration.ZERO);
    withWindow.put(RunnerPeers.REFRESH_WINDOW, "soon");
    assertThat(RunnerPeers.fromEnvironment(withWindow).orElseThrow().refreshWindow())
        .isEqualTo(Duration.ofMinutes(10));
  }
}
