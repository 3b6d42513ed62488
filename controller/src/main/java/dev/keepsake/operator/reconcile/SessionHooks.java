package dev.keepsake.operator.reconcile;

import dev.keepsake.api.HookStatus;
import dev.keepsake.api.Resource;
import dev.keepsake.api.SessionOutcome;
import dev.keepsake.api.SessionPhase;
import dev.keepsake.api.SessionStatus;
import dev.keepsake.operator.hooks.HookRunner;
import dev.keepsake.operator.hooks.HookVariables;
import dev.keepsake.operator.hooks.PodChoice;
import dev.keepsake.operator.kube.KubeWrites;
import dev.keepsake.operator.status.HookSequence;
import dev.keepsake.operator.status.SessionPhases;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A session's hooks between its reconciler and the {@link HookRunner}: which one runs now, its
 * result into the status, an Event for each that ended.
 */
final class SessionHooks {
  static final Duration WHILE_RUNNING = Duration.ofSeconds(2);

  /** What the reconciler writes and does next. */
  record Step(
      SessionPhases.Next next,
      List<HookStatus> hooks,
      HookRunner.Run run,
      HookStatus ended,
      SessionOutcome outcome) {
    boolean waiting() {
      return run != null && ended == null;
    }
  }

  /** The session facts hooks see as variables. */
  record Facts(
      String kind,
      String configuration,
      String targetKind,
      String targetName,
      String repository,
      PodChoice targetPods) {}

  private SessionHooks() {}

  /** The outcome the status recorded for the post stage, or null. */
  static SessionPhases.Next recordedOutcome(SessionStatus<?> status) {
    SessionOutcome outcome = status == null ? null : status.getHookOutcome();
    return outcome == null || outcome.getPhase() == null
        ? null
        : new SessionPhases.Next(
            outcome.getPhase(), outcome.getReason(), outcome.getMessage(), false);
  }

  static <S extends SessionStatus<S>> Step step(
      HookRunner runner,
      Resource<?, S, ?> session,
      HookSequence.Plan plan,
      HookSequence.Decision decision,
      Facts facts) {
    S status = session.getStatus();
    List<HookStatus> hooks = status == null ? null : status.getHooks();
    // Results the status already holds (as the cache shows it) are no longer the runner's to keep.
    for (HookStatus recorded : hooks == null ? List.<HookStatus>of() : hooks) {
      if (!HookSequence.RUNNING.equals(recorded.getPhase())) {
        runner.forget(session.getMetadata().getUid(), recorded.getStage(), recorded.getName());
      }
    }
    for (HookStatus skipped : decision.skipped()) {
      hooks = HookSequence.with(hooks, skipped);
    }
    SessionOutcome outcome =
        status != null && status.getHookOutcome() != null
            ? status.getHookOutcome()
            : decision.call() != null && decision.outcome() != null
                ? new SessionOutcome()
                    .phase(decision.outcome().phase())
                    .reason(decision.outcome().reason())
                    .message(decision.outcome().message())
                : null;
    if (decision.next().phase().isFinished()) {
      runner.forgetSession(session.getMetadata().getUid());
    }
    HookSequence.Call call = decision.call();
    if (call == null) {
      return new Step(decision.next(), hooks, null, null, outcome);
    }
    HookRunner.Run run =
        new HookRunner.Run(
            session.getMetadata().getUid(),
            session.getMetadata().getNamespace(),
            call,
            variables(session, call, facts),
            facts.targetPods());
    HookStatus result = runner.resultOrStart(run);
    HookStatus recorded = HookSequence.find(hooks, call.stage(), call.hook().getName());
    HookStatus shown =
        result != null
            ? result
            : recorded != null ? recorded : HookRunner.running(call, OffsetDateTime.now());
    return new Step(decision.next(), HookSequence.with(hooks, shown), run, result, outcome);
  }

  /** The status as the step leaves it: hooks' results and the post stage's outcome. */
  static <S extends SessionStatus<S>> void apply(Step step, S status) {
    status.hooks(step.hooks());
    status.hookOutcome(step.outcome());
  }

  /**
   * After the status was written: the ended hook's Event. The runner keeps the result until the
   * cache shows it (see {@link #step}), so a reconcile that reads an older status cannot start the
   * hook again.
   */
  static void recorded(KubeWrites writes, Resource<?, ?, ?> session, Step step) {
    if (step.ended() == null) {
      return;
    }
    boolean failed = HookSequence.FAILED.equals(step.ended().getPhase());
    writes
        .events()
        .record(
            session,
            failed,
            failed ? HookSequence.HOOK_FAILED : "HookSucceeded",
            step.run().call().field()
                + ": "
                + step.ended().getMessage()
                + (step.ended().getOutput() == null || !failed
                    ? ""
                    : "; output: " + lastLine(step.ended().getOutput())));
  }

  private static String lastLine(String output) {
    String[] lines = output.strip().split("\n");
    return lines[lines.length - 1];
  }

  private static HookVariables variables(
      Resource<?, ? extends SessionStatus<?>, ?> session, HookSequence.Call call, Facts facts) {
    SessionStatus<?> status = session.getStatus();
    SessionPhases.Next outcome = call.outcome();
    Map<String, String> values = new LinkedHashMap<>();
    values.put("NAMESPACE", session.getMetadata().getNamespace());
    values.put("SESSION", session.getMetadata().getName());
    values.put("SESSION_KIND", facts.kind());
    values.put("CONFIGURATION", facts.configuration());
    values.put("TARGET_KIND", facts.targetKind());
    values.put("TARGET_NAME", facts.targetName());
    values.put("REPOSITORY", facts.repository());
    values.put("STAGE", call.stage().field());
    values.put("HOOK", call.hook().getName());
    values.put("PHASE", outcome == null ? SessionPhase.Running.name() : outcome.phase().name());
    values.put("REASON", outcome == null ? HookSequence.HOOK_RUNNING : outcome.reason());
    values.put("MESSAGE", outcome == null ? "" : outcome.message());
    values.put("SNAPSHOT", status == null ? null : status.getSnapshotId());
    values.put(
        "START_TIME",
        status == null || status.getStartTime() == null ? null : status.getStartTime().toString());
    return HookVariables.of(values);
  }
}
