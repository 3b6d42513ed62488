package dev.keepsake.operator.status;

import dev.keepsake.api.Hook;
import dev.keepsake.api.HookStatus;
import dev.keepsake.api.SessionPhase;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a session stands among its hooks, decided from what its status recorded: pre hooks before
 * the Job, post hooks once the outcome is known, and the final phase that accounts for both.
 */
public final class HookSequence {
  public static final String HOOK_RUNNING = "HookRunning";
  public static final String HOOK_FAILED = "HookFailed";
  public static final String RUNNING = "Running";
  public static final String SUCCEEDED = "Succeeded";
  public static final String FAILED = "Failed";
  public static final String SKIPPED = "Skipped";

  /** The four places a hook can have; the name is the status value, the field the spec's. */
  public enum Stage {
    PreBackup("preBackup"),
    PostBackup("postBackup"),
    PreRestore("preRestore"),
    PostRestore("postRestore");

    private final String field;

    Stage(String field) {
      this.field = field;
    }

    public String field() {
      return field;
    }
  }

  /**
   * A session's hooks: {@code work} names what the Job does ("backup" or "restore") in messages.
   */
  public record Plan(
      String work, Stage pre, List<Hook> preHooks, Stage post, List<Hook> postHooks) {
    public Plan {
      preHooks = preHooks == null ? List.of() : preHooks;
      postHooks = postHooks == null ? List.of() : postHooks;
    }

    public boolean isEmpty() {
      return preHooks.isEmpty() && postHooks.isEmpty();
    }
  }

  /**
   * A hook to run now; {@code outcome} is what the session would end with, for post hooks (its
   * phase, reason and message reach the hook as variables), null for pre hooks.
   */
  public record Call(Stage stage, Hook hook, int position, int count, SessionPhases.Next outcome) {
    public String key() {
      return stage.name() + "/" + hook.getName();
    }

    /** How the spec names this hook, for messages. */
    public String field() {
      return "spec.hooks." + stage.field() + "[" + hook.getName() + "]";
    }
  }

  /**
   * The session's next state; a hook to run (or null); hooks whose policy does not match the
   * outcome, to record as Skipped; the outcome the post stage works from, to record (null before
   * it).
   */
  public record Decision(
      SessionPhases.Next next, Call call, List<HookStatus> skipped, SessionPhases.Next outcome) {
    Decision(SessionPhases.Next next, Call call, List<HookStatus> skipped) {
      this(next, call, skipped, null);
    }
  }

  private HookSequence() {}

  /**
   * @param recorded the hooks' results so far, from the status
   * @param outcome the outcome the post stage started from, from the status; once there it decides,
   *     whatever the Job or the inputs say later
   * @param core what the session's Job alone decides (see {@link SessionPhases})
   * @param started the session was already Running: its hooks or its Job had begun
   */
  public static Decision decide(
      Plan plan,
      List<HookStatus> recorded,
      SessionPhases.Next outcome,
      SessionPhases.Next core,
      boolean started) {
    List<HookStatus> results = recorded == null ? List.of() : recorded;
    if (outcome != null) {
      return post(plan, results, List.of(), outcome);
    }
    HookStatus stopper = firstFatal(plan.preHooks(), results, plan.pre());
    if (stopper != null) {
      // The first fatal failure ends the pre stage, whatever the inputs say by now: a later hook
      // (one that pauses writes, say) is not run for a backup that will not happen.
      return post(
          plan,
          results,
          notRunAfter(plan, results, stopper),
          new SessionPhases.Next(
              SessionPhase.Failed,
              HOOK_FAILED,
              plan.pre().field()
                  + " hook '"
                  + stopper.getName()
                  + "' failed: "
                  + stopper.getMessage()
                  + "; so no "
                  + plan.work()
                  + " was run",
              false));
    }
    boolean preHooksRan = results.stream().anyMatch(r -> plan.pre().name().equals(r.getStage()));
    if (preHooksRan
        && !core.createJob()
        && !core.phase().isFinished()
        && core.phase() != SessionPhase.Running) {
      // Its pre hooks ran (an application may be paused): the session does not wait for its inputs
      // to come back.
      return post(
          plan,
          results,
          List.of(),
          new SessionPhases.Next(
              SessionPhase.Failed,
              core.reason(),
              core.message()
                  + "; the pre hooks had run, so the session does not wait and ends here",
              false));
    }
    if (core.createJob()) {
      for (int i = 0; i < plan.preHooks().size(); i++) {
        Hook hook = plan.preHooks().get(i);
        if (!finished(find(results, plan.pre(), hook.getName()))) {
          return new Decision(
              running(plan, plan.pre(), hook, i, "running"),
              new Call(plan.pre(), hook, i, plan.preHooks().size(), null),
              List.of());
        }
      }
      return new Decision(core, null, List.of());
    }
    if (core.phase().isFinished() && (started || !results.isEmpty())) {
      return post(plan, results, List.of(), core);
    }
    return new Decision(core, null, List.of());
  }

  /** Decides without a recorded outcome (a session whose post stage has not begun). */
  public static Decision decide(
      Plan plan, List<HookStatus> recorded, SessionPhases.Next core, boolean started) {
    return decide(plan, recorded, null, core, started);
  }

  /** The pre hooks after {@code stopper} that have no result yet, as Skipped. */
  private static List<HookStatus> notRunAfter(
      Plan plan, List<HookStatus> results, HookStatus stopper) {
    List<HookStatus> notRun = new ArrayList<>();
    for (Hook hook : plan.preHooks()) {
      if (find(results, plan.pre(), hook.getName()) == null) {
        notRun.add(
            skipped(
                hook,
                plan.pre(),
                "not run: "
                    + plan.pre().field()
                    + " hook '"
                    + stopper.getName()
                    + "' before it failed"));
      }
    }
    return notRun;
  }

  private static HookStatus skipped(Hook hook, Stage stage, String why) {
    return new HookStatus().name(hook.getName()).stage(stage.name()).phase(SKIPPED).message(why);
  }

  /** The post stage; {@code notRun} are pre hooks a fatal failure before them kept from running. */
  private static Decision post(
      Plan plan, List<HookStatus> results, List<HookStatus> notRun, SessionPhases.Next outcome) {
    List<HookStatus> skipped = new ArrayList<>(notRun);
    for (int i = 0; i < plan.postHooks().size(); i++) {
      Hook hook = plan.postHooks().get(i);
      if (finished(find(results, plan.post(), hook.getName()))) {
        continue;
      }
      if (!policyMatches(hook, outcome.phase())) {
        skipped.add(
            skipped(
                hook,
                plan.post(),
                "executionPolicy is "
                    + hook.getExecutionPolicy()
                    + " and the "
                    + plan.work()
                    + " ended "
                    + outcome.phase()));
        continue;
      }
      return new Decision(
          running(
              plan, plan.post(), hook, i, plan.work() + " ended " + outcome.phase() + "; running"),
          new Call(plan.post(), hook, i, plan.postHooks().size(), outcome),
          skipped,
          outcome);
    }
    List<HookStatus> all = new ArrayList<>(results);
    all.addAll(skipped);
    return new Decision(finish(plan, all, outcome), null, skipped, outcome);
  }

  /**
   * The outcome with what the hooks changed: a fatal post hook fails a success, ignored failures
   * are told.
   */
  private static SessionPhases.Next finish(
      Plan plan, List<HookStatus> results, SessionPhases.Next outcome) {
    StringBuilder message = new StringBuilder(outcome.message() == null ? "" : outcome.message());
    SessionPhase phase = outcome.phase();
    String reason = outcome.reason();
    HookStatus fatalPost = firstFatal(plan.postHooks(), results, plan.post());
    if (fatalPost != null && phase == SessionPhase.Succeeded) {
      phase = SessionPhase.Failed;
      reason = HOOK_FAILED;
      message =
          new StringBuilder(
              plan.post().field()
                  + " hook '"
                  + fatalPost.getName()
                  + "' failed: "
                  + fatalPost.getMessage()
                  + "; the "
                  + plan.work()
                  + " itself succeeded: "
                  + message);
    } else if (fatalPost != null) {
      message
          .append("; ")
          .append(plan.post().field())
          .append(" hook '")
          .append(fatalPost.getName())
          .append("' failed too: ")
          .append(fatalPost.getMessage());
    }
    for (HookStatus result : results) {
      Hook hook = hookOf(plan, result);
      if (FAILED.equals(result.getPhase())
          && hook != null
          && "Continue".equals(hook.getOnFailure())) {
        message
            .append("; hook '")
            .append(result.getName())
            .append("' (")
            .append(stageField(result))
            .append(") failed and was passed over (onFailure: Continue): ")
            .append(result.getMessage());
      }
    }
    return new SessionPhases.Next(phase, reason, message.toString(), false);
  }

  private static SessionPhases.Next running(
      Plan plan, Stage stage, Hook hook, int index, String doing) {
    List<Hook> hooks = stage == plan.pre() ? plan.preHooks() : plan.postHooks();
    return new SessionPhases.Next(
        SessionPhase.Running,
        HOOK_RUNNING,
        doing
            + " "
            + stage.field()
            + " hook '"
            + hook.getName()
            + "' ("
            + (index + 1)
            + " of "
            + hooks.size()
            + ")",
        false);
  }

  static boolean policyMatches(Hook hook, SessionPhase outcome) {
    String policy = hook.getExecutionPolicy() == null ? "Always" : hook.getExecutionPolicy();
    return switch (policy) {
      case "OnSuccess" -> outcome == SessionPhase.Succeeded;
      case "OnFailure" -> outcome == SessionPhase.Failed;
      default -> true;
    };
  }

  private static HookStatus firstFatal(List<Hook> hooks, List<HookStatus> results, Stage stage) {
    for (Hook hook : hooks) {
      HookStatus result = find(results, stage, hook.getName());
      if (result != null
          && FAILED.equals(result.getPhase())
          && !"Continue".equals(hook.getOnFailure())) {
        return result;
      }
    }
    return null;
  }

  private static Hook hookOf(Plan plan, HookStatus result) {
    List<Hook> hooks =
        plan.pre().name().equals(result.getStage())
            ? plan.preHooks()
            : plan.post().name().equals(result.getStage()) ? plan.postHooks() : List.of();
    return hooks.stream()
        .filter(h -> h.getName().equals(result.getName()))
        .findFirst()
        .orElse(null);
  }

  private static String stageField(HookStatus result) {
    for (Stage stage : Stage.values()) {
      if (stage.name().equals(result.getStage())) {
        return stage.field();
      }
    }
    return result.getStage();
  }

  private static boolean finished(HookStatus result) {
    return result != null && !RUNNING.equals(result.getPhase());
  }

  public static HookStatus find(List<HookStatus> results, Stage stage, String name) {
    if (results == null) {
      return null;
    }
    return results.stream()
        .filter(r -> stage.name().equals(r.getStage()) && name.equals(r.getName()))
        .findFirst()
        .orElse(null);
  }

  /**
   * The results with {@code result} in place of the same hook's earlier entry, or added at the end.
   */
  public static List<HookStatus> with(List<HookStatus> results, HookStatus result) {
    List<HookStatus> updated = new ArrayList<>();
    boolean replaced = false;
    for (HookStatus existing : results == null ? List.<HookStatus>of() : results) {
      if (existing.getStage().equals(result.getStage())
          && existing.getName().equals(result.getName())) {
        updated.add(result);
        replaced = true;
      } else {
        updated.add(existing);
      }
    }
    if (!replaced) {
      updated.add(result);
    }
    return updated;
  }
}
