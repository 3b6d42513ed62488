package dev.keepsake.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keepsake.api.ExecHook;
import dev.keepsake.api.Hook;
import dev.keepsake.api.HookStatus;
import dev.keepsake.api.SessionPhase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HookSequenceTest {
  private static final SessionPhases.Next START_JOB =
      new SessionPhases.Next(SessionPhase.Running, "JobCreated", "the Job was created", true);
  private static final SessionPhases.Next JOB_SUCCEEDED =
      new SessionPhases.Next(SessionPhase.Succeeded, "Completed", "snapshot 1a2b3c4d", false);
  private static final SessionPhases.Next JOB_FAILED =
      new SessionPhases.Next(SessionPhase.Failed, "DumpFailed", "redis went away", false);

  private static Hook hook(String name, String policy, String onFailure) {
    return new Hook()
        .name(name)
        .exec(new ExecHook().command(List.of("true")))
        .executionPolicy(policy)
        .onFailure(onFailure);
  }

  private static HookStatus result(
      HookSequence.Stage stage, String name, String phase, String message) {
    return new HookStatus().stage(stage.name()).name(name).phase(phase).message(message);
  }

  private static HookSequence.Plan plan(List<Hook> pre, List<Hook> post) {
    return new HookSequence.Plan(
        "backup", HookSequence.Stage.PreBackup, pre, HookSequence.Stage.PostBackup, post);
  }

  @Test
  void withoutHooksTheJobDecidesAlone() {
    HookSequence.Plan none = plan(null, null);

    assertThat(HookSequence.decide(none, null, START_JOB, false).next()).isEqualTo(START_JOB);
    assertThat(HookSequence.decide(none, null, JOB_FAILED, true).next()).isEqualTo(JOB_FAILED);
  }

  @Test
  void preHooksRunInOrderBeforeTheJob() {
    HookSequence.Plan plan =
        plan(List.of(hook("pause", "Always", "Fail"), hook("flush", "Always", "Fail")), null);

    HookSequence.Decision first = HookSequence.decide(plan, null, START_JOB, false);
    assertThat(first.call().hook().getName()).isEqualTo("pause");
    assertThat(first.next().createJob()).isFalse();
    assertThat(first.next().phase()).isEqualTo(SessionPhase.Running);
    assertThat(first.next().message()).isEqualTo("running preBackup hook 'pause' (1 of 2)");

    List<HookStatus> done =
        List.of(result(HookSequence.Stage.PreBackup, "pause", "Succeeded", "ok"));
    assertThat(HookSequence.decide(plan, done, START_JOB, true).call().hook().getName())
        .isEqualTo("flush");

    List<HookStatus> both = new ArrayList<>(done);
    both.add(result(HookSequence.Stage.PreBackup, "flush", "Succeeded", "ok"));
    HookSequence.Decision last = HookSequence.decide(plan, both, START_JOB, true);
    assertThat(last.call()).isNull();
    assertThat(last.next().createJob()).isTrue();
  }

  @Test
  void aHookStillRunningIsAskedForAgain() {
    HookSequence.Plan plan = plan(List.of(hook("flush", "Always", "Fail")), null);
    List<HookStatus> running =
        List.of(result(HookSequence.Stage.PreBackup, "flush", "Running", "running"));

    assertThat(HookSequence.decide(plan, running, START_JOB, true).call().hook().getName())
        .isEqualTo("flush");
  }

  @Test
  void aFailedPreHookMeansNoJobAndThePostHooksThatMatchFailureRun() {
    HookSequence.Plan plan =
        plan(
            List.of(hook("pause", "Always", "Fail")),
            List.of(
                hook("notify-success", "OnSuccess", "Fail"), hook("resume", "OnFailure", "Fail")));
    List<HookStatus> failed =
        List.of(result(HookSequence.Stage.PreBackup, "pause", "Failed", "curl exited with code 7"));

    HookSequence.Decision decision = HookSequence.decide(plan, failed, START_JOB, true);

    assertThat(decision.next().createJob()).isFalse();
    assertThat(decision.call().hook().getName()).isEqualTo("resume");
    assertThat(decision.call().outcome().reason()).isEqualTo("HookFailed");
    assertThat(decision.skipped())
        .extracting(HookStatus::getName)
        .containsExactly("notify-success");

    List<HookStatus> all = new ArrayList<>(failed);
    all.addAll(decision.skipped());
    all.add(result(HookSequence.Stage.PostBackup, "resume", "Succeeded", "ok"));
    SessionPhases.Next end = HookSequence.decide(plan, all, START_JOB, true).next();
    assertThat(end.phase()).isEqualTo(SessionPhase.Failed);
    assertThat(end.reason()).isEqualTo("HookFailed");
    assertThat(end.message())
        .isEqualTo("preBackup hook 'pause' failed: curl exited with code 7; so no backup was run");
  }

  @Test
  void aFatalPreHookFailureStopsTheLaterPreHooks() {
    HookSequence.Plan plan =
        plan(
            List.of(hook("health-check", "Always", "Fail"), hook("pause-writes", "Always", "Fail")),
            List.of(hook("resume-writes", "Always", "Fail")));
    List<HookStatus> failed =
        List.of(
            result(
                HookSequence.Stage.PreBackup, "health-check", "Failed", "curl exited with code 7"));

    HookSequence.Decision decision = HookSequence.decide(plan, failed, START_JOB, true);

    assertThat(decision.next().createJob()).isFalse();
    assertThat(decision.call().stage()).isEqualTo(HookSequence.Stage.PostBackup);
    assertThat(decision.call().hook().getName()).isEqualTo("resume-writes");
    assertThat(decision.skipped())
        .extracting(HookStatus::getName, HookStatus::getPhase, HookStatus::getMessage)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "pause-writes",
                "Skipped",
                "not run: preBackup hook 'health-check' before it failed"));

    List<HookStatus> all = new ArrayList<>(failed);
    all.addAll(decision.skipped());
    all.add(result(HookSequence.Stage.PostBackup, "resume-writes", "Succeeded", "ok"));
    SessionPhases.Next end = HookSequence.decide(plan, all, START_JOB, true).next();
    assertThat(end.phase()).isEqualTo(SessionPhase.Failed);
    assertThat(end.message())
        .isEqualTo(
            "preBackup hook 'health-check' failed: curl exited with code 7; so no backup was run");
  }

  @Test
  void aFatalPreHookFailureDecidesEvenWhenTheInputsChangedSince() {
    HookSequence.Plan plan =
        plan(
            List.of(hook("health-check", "Always", "Fail"), hook("pause-writes", "Always", "Fail")),
            null);
    List<HookStatus> failed =
        List.of(result(HookSequence.Stage.PreBackup, "health-check", "Failed", "refused"));
    SessionPhases.Next paused =
        new SessionPhases.Next(
            SessionPhase.Skipped, "Paused", "the configuration is paused", false);
    SessionPhases.Next inputGone =
        new SessionPhases.Next(
            SessionPhase.Pending, "SecretNotFound", "Secret creds does not exist", false);

    for (SessionPhases.Next core : List.of(paused, inputGone)) {
      HookSequence.Decision decision = HookSequence.decide(plan, failed, core, true);

      assertThat(decision.next().phase()).isEqualTo(SessionPhase.Failed);
      assertThat(decision.next().reason()).isEqualTo("HookFailed");
      assertThat(decision.next().message())
          .isEqualTo("preBackup hook 'health-check' failed: refused; so no backup was run");
      assertThat(decision.skipped())
          .extracting(HookStatus::getName, HookStatus::getPhase)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("pause-writes", "Skipped"));
    }
  }

  @Test
  void aPreHookThatMayFailLetsTheBackupRunAndIsToldAtTheEnd() {
    HookSequence.Plan plan = plan(List.of(hook("flush", "Always", "Continue")), null);
    List<HookStatus> failed =
        List.of(result(HookSequence.Stage.PreBackup, "flush", "Failed", "BGSAVE refused"));

    assertThat(HookSequence.decide(plan, failed, START_JOB, true).next().createJob()).isTrue();
    SessionPhases.Next end = HookSequence.decide(plan, failed, JOB_SUCCEEDED, true).next();
    assertThat(end.phase()).isEqualTo(SessionPhase.Succeeded);
    assertThat(end.message())
        .isEqualTo(
            "snapshot 1a2b3c4d; hook 'flush' (preBackup) failed and was passed over (onFailure: Continue):"
                + " BGSAVE refused");
  }

  @Test
  void postHooksRunAfterTheJobWithItsOutcome() {
    HookSequence.Plan plan =
        plan(null, List.of(hook("resume", "Always", "Fail"), hook("notify", "Always", "Continue")));

    HookSequence.Decision decision = HookSequence.decide(plan, null, JOB_FAILED, true);

    assertThat(decision.next().phase()).isEqualTo(SessionPhase.Running);
    assertThat(decision.next().message())
        .isEqualTo("backup ended Failed; running postBackup hook 'resume' (1 of 2)");
    assertThat(decision.call().outcome()).isEqualTo(JOB_FAILED);
  }

  @Test
  void aFatalPostHookFailsASuccessfulBackupAndSaysTheSnapshotIsKept() {
    HookSequence.Plan plan = plan(null, List.of(hook("resume", "Always", "Fail")));
    List<HookStatus> failed =
        List.of(
            result(
                HookSequence.Stage.PostBackup,
                "resume",
                "Failed",
                "POST http://app/resume answered 503"));

    SessionPhases.Next end = HookSequence.decide(plan, failed, JOB_SUCCEEDED, true).next();

    assertThat(end.phase()).isEqualTo(SessionPhase.Failed);
    assertThat(end.reason()).isEqualTo("HookFailed");
    assertThat(end.message())
        .isEqualTo(
            "postBackup hook 'resume' failed: POST http://app/resume answered 503; the backup itself"
                + " succeeded: snapshot 1a2b3c4d");
  }

  @Test
  void aFailedBackupKeepsItsReasonWhenAPostHookFailsToo() {
    HookSequence.Plan plan = plan(null, List.of(hook("resume", "Always", "Fail")));
    List<HookStatus> failed =
        List.of(result(HookSequence.Stage.PostBackup, "resume", "Failed", "timed out"));

    SessionPhases.Next end = HookSequence.decide(plan, failed, JOB_FAILED, true).next();

    assertThat(end.reason()).isEqualTo("DumpFailed");
    assertThat(end.message())
        .isEqualTo("redis went away; postBackup hook 'resume' failed too: timed out");
  }

  @Test
  void aSessionThatNeverStartedRunsNoPostHooks() {
    HookSequence.Plan plan =
        plan(List.of(hook("pause", "Always", "Fail")), List.of(hook("resume", "Always", "Fail")));
    SessionPhases.Next refused =
        new SessionPhases.Next(
            SessionPhase.Failed, "SecretNotFound", "Secret x does not exist", false);

    HookSequence.Decision decision = HookSequence.decide(plan, null, refused, false);

    assertThat(decision.call()).isNull();
    assertThat(decision.next()).isEqualTo(refused);
  }

  @Test
  void onceThePostStageBeganItsRecordedOutcomeDecidesWhateverTheJobSaysLater() {
    HookSequence.Plan plan = plan(null, List.of(hook("resume", "Always", "Fail")));
    SessionPhases.Next lost =
        new SessionPhases.Next(
            SessionPhase.Failed, "JobLost", "the session's Job was deleted", false);
    List<HookStatus> done =
        List.of(result(HookSequence.Stage.PostBackup, "resume", "Succeeded", "ok"));

    HookSequence.Decision started = HookSequence.decide(plan, null, JOB_SUCCEEDED, true);
    assertThat(started.outcome()).isEqualTo(JOB_SUCCEEDED);
    SessionPhases.Next end = HookSequence.decide(plan, done, started.outcome(), lost, true).next();

    assertThat(end.phase()).isEqualTo(SessionPhase.Succeeded);
    assertThat(end.reason()).isEqualTo("Completed");
  }

  @Test
  void aSessionWhosePreHooksRanDoesNotWaitForInputsThatWentAway() {
    HookSequence.Plan plan =
        plan(List.of(hook("pause", "Always", "Fail")), List.of(hook("resume", "Always", "Fail")));
    SessionPhases.Next waiting =
        new SessionPhases.Next(
            SessionPhase.Pending,
            "RepositoryNotFound",
            "Repository backups does not exist (yet); waiting for it",
            false);
    List<HookStatus> paused =
        List.of(result(HookSequence.Stage.PreBackup, "pause", "Succeeded", "ok"));

    HookSequence.Decision decision = HookSequence.decide(plan, paused, null, waiting, true);

    assertThat(decision.call().hook().getName()).isEqualTo("resume");
    assertThat(decision.outcome().phase()).isEqualTo(SessionPhase.Failed);
    assertThat(decision.outcome().message())
        .endsWith("; the pre hooks had run, so the session does not wait and ends here");
  }

  @Test
  void aJobRefusedAfterThePreHooksIsNotRetriedOnceThePostStageBegan() {
    HookSequence.Plan plan =
        plan(List.of(hook("pause", "Always", "Fail")), List.of(hook("resume", "Always", "Fail")));
    List<HookStatus> paused =
        List.of(result(HookSequence.Stage.PreBackup, "pause", "Succeeded", "ok"));
    SessionPhases.Next refused =
        new SessionPhases.Next(SessionPhase.Failed, "JobRefused", "quota", false);

    HookSequence.Decision post = HookSequence.decide(plan, paused, null, refused, true);
    HookSequence.Decision later =
        HookSequence.decide(plan, paused, post.outcome(), START_JOB, true);

    assertThat(later.next().createJob()).isFalse();
    assertThat(later.call().hook().getName()).isEqualTo("resume");
  }

  @Test
  void policiesMatchOutcomes() {
    assertThat(HookSequence.policyMatches(hook("a", "OnSuccess", null), SessionPhase.Succeeded))
        .isTrue();
    assertThat(HookSequence.policyMatches(hook("a", "OnSuccess", null), SessionPhase.Failed))
        .isFalse();
    assertThat(HookSequence.policyMatches(hook("a", "OnFailure", null), SessionPhase.Failed))
        .isTrue();
    assertThat(HookSequence.policyMatches(hook("a", "OnFailure", null), SessionPhase.Skipped))
        .isFalse();
    assertThat(HookSequence.policyMatches(hook("a", null, null), SessionPhase.Skipped)).isTrue();
  }
}
