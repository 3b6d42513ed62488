package dev.keepsake.operator.hooks;

import dev.keepsake.api.Durations;
import dev.keepsake.api.Hook;
import dev.keepsake.api.HookStatus;
import dev.keepsake.api.HttpHook;
import dev.keepsake.api.Param;
import dev.keepsake.operator.status.HookSequence;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * Runs hooks in the background, so a slow one holds no reconcile worker: the reconciler asks for a
 * hook's result, which starts it the first time, and writes the result into the session once it is
 * there. An operator that restarts runs a hook it had not finished again.
 */
public final class HookRunner implements AutoCloseable {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
  private static final Logger LOG = Logger.getLogger(HookRunner.class.getName());
  private final ExecutorService pool;
  private final Map<String, Future<HookStatus>> runs = new ConcurrentHashMap<>();
  private final ExecHooks exec;
  private final HttpHooks http = new HttpHooks();
  private final java.util.function.BooleanSupplier acting;

  /** One hook of one session, with what it needs to run. */
  public record Run(
      String sessionUid,
      String namespace,
      HookSequence.Call call,
      HookVariables variables,
      PodChoice targetPods) {
    String key() {
      return sessionUid + "/" + call.key();
    }
  }

  /**
   * @param client for ordinary calls (with a read timeout); @param streamClient for exec streams,
   *     which may last; @param acting false while this process does not lead: no hook starts then
   */
  public HookRunner(
      ApiClient client, ApiClient streamClient, java.util.function.BooleanSupplier acting) {
    this.acting = acting;
    this.exec = new ExecHooks(client, streamClient);
    AtomicInteger count = new AtomicInteger();
    this.pool =
        Executors.newFixedThreadPool(
            4,
            task -> {
              Thread thread = new Thread(task, "keepsake-hook-" + count.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
  }

  /** The hook's result once it ended; null while it runs. The first call starts it. */
  public HookStatus resultOrStart(Run run) {
    Future<HookStatus> future;
    synchronized (runs) {
      future =
          runs.computeIfAbsent(
              run.key(), key -> acting.getAsBoolean() ? pool.submit(() -> execute(run)) : null);
    }
    if (future == null || !future.isDone()) {
      return null;
    }
    try {
      return future.get();
    } catch (ExecutionException e) {
      return failed(run, OffsetDateTime.now(), describe(e.getCause()), "");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /**
   * Stops every hook under way and forgets every result: this process no longer leads, and the one
   * that does now runs what is still to run.
   */
  public void cancelAll() {
    synchronized (runs) {
      runs.values().forEach(run -> run.cancel(true));
      runs.clear();
    }
  }

  /** Drops a result once the session's status, as the cache shows it, holds it. */
  public void forget(String sessionUid, String stage, String hook) {
    runs.remove(sessionUid + "/" + stage + "/" + hook);
  }

  /** Drops whatever is kept for a session that ended. */
  public void forgetSession(String sessionUid) {
    runs.keySet().removeIf(key -> key.startsWith(sessionUid + "/"));
  }

  /** What the status shows while a hook runs. */
  public static HookStatus running(HookSequence.Call call, OffsetDateTime start) {
    return new HookStatus()
        .name(call.hook().getName())
        .stage(call.stage().name())
        .phase(HookSequence.RUNNING)
        .message("running since " + start)
        .startTime(start);
  }

  private HookStatus execute(Run run) {
    OffsetDateTime start = OffsetDateTime.now();
    if (!acting.getAsBoolean()) {
      // Queued just before this process stopped leading: the leader runs it.
      return failed(run, start, "the operator no longer leads; the hook did not run", "");
    }
    Hook hook = run.call().hook();
    Duration timeout =
        hook.getTimeoutSeconds() == null
            ? DEFAULT_TIMEOUT
            : Duration.ofSeconds(hook.getTimeoutSeconds());
    String field = run.call().field();
    HookOutcome outcome;
    try {
      outcome = outcome(run, hook, timeout, field);
    } catch (IllegalArgumentException e) {
      outcome = HookOutcome.failure(e.getMessage(), "");
    } catch (ApiException e) {
      outcome = HookOutcome.failure(apiFailure(e), "");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      outcome = HookOutcome.failure("the operator stopped while the hook ran", "");
    } catch (Exception e) {
      outcome = HookOutcome.failure(describe(e), "");
    }
    LOG.info(
        run.namespace()
            + ": "
            + field
            + " of session "
            + run.sessionUid()
            + (outcome.succeeded() ? " succeeded: " : " failed: ")
            + outcome.message());
    HookStatus status =
        new HookStatus()
            .name(hook.getName())
            .stage(run.call().stage().name())
            .phase(outcome.succeeded() ? HookSequence.SUCCEEDED : HookSequence.FAILED)
            .message(outcome.message())
            .output(outcome.output().isEmpty() ? null : outcome.output())
            .startTime(start)
            .duration(Durations.human(Duration.between(start, OffsetDateTime.now())));
    return status;
  }

  private HookOutcome outcome(Run run, Hook hook, Duration timeout, String field) throws Exception {
    HookVariables variables = run.variables();
    if (hook.getExec() != null) {
      List<String> command = variables.in(hook.getExec().getCommand(), field + ".exec.command");
      return exec.run(run.namespace(), hook.getExec(), command, run.targetPods(), timeout);
    }
    boolean post = hook.getHttpPost() != null;
    HttpHook spec = post ? hook.getHttpPost() : hook.getHttpGet();
    String at = field + (post ? ".httpPost" : ".httpGet");
    String url = variables.in(spec.getUrl(), at + ".url");
    List<Param> headers = new ArrayList<>();
    for (Param header : spec.getHeaders() == null ? List.<Param>of() : spec.getHeaders()) {
      headers.add(
          new Param()
              .name(header.getName())
              .value(variables.in(header.getValue(), at + ".headers[" + header.getName() + "]")));
    }
    String body = null;
    if (post) {
      boolean json =
          spec.getContentType() == null
              || spec.getContentType().toLowerCase(java.util.Locale.ROOT).contains("json");
      body =
          spec.getBody() == null
              ? variables.defaultBody()
              : json
                  ? variables.inJson(spec.getBody(), at + ".body")
                  : variables.in(spec.getBody(), at + ".body");
    }
    return http.run(spec, url, headers, body, timeout);
  }

  private static String apiFailure(ApiException e) {
    if (e.getCode() == 403) {
      return "the operator may not do this ("
          + e.getCode()
          + " Forbidden): exec hooks need the create verb on pods/exec"
          + " in the operator's ClusterRole (the chart's hooks.exec)";
    }
    String body = e.getResponseBody() == null ? "" : e.getResponseBody();
    try {
      body =
          com.google.gson.JsonParser.parseString(body)
              .getAsJsonObject()
              .get("message")
              .getAsString();
    } catch (RuntimeException notAStatus) {
      // Not a Status document: its text is the message.
    }
    return "the API server answered " + e.getCode() + (body.isBlank() ? "" : ": " + body.strip());
  }

  private static String describe(Throwable e) {
    return e.getMessage() == null || e.getMessage().isBlank()
        ? e.getClass().getSimpleName()
        : e.getMessage();
  }

  private static HookStatus failed(Run run, OffsetDateTime start, String message, String output) {
    return new HookStatus()
        .name(run.call().hook().getName())
        .stage(run.call().stage().name())
        .phase(HookSequence.FAILED)
        .message(message)
        .output(output.isEmpty() ? null : output)
        .startTime(start)
        .duration("0.0s");
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
