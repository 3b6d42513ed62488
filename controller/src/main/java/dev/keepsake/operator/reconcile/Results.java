package dev.keepsake.operator.reconcile;

import io.kubernetes.client.extended.controller.reconciler.Result;
import io.kubernetes.client.openapi.ApiException;
import java.time.Duration;
import java.util.logging.Logger;

/** The few ways a reconcile ends. */
final class Results {
  private static final Logger LOG = Logger.getLogger(Results.class.getName());
  private static final Duration CONFLICT_RETRY = Duration.ofSeconds(1);

  private Results() {}

  static Result done() {
    return new Result(false);
  }

  static Result after(Duration wait) {
    return new Result(true, wait);
  }

  /** Someone wrote in between: read again shortly rather than overwrite. */
  static Result conflict() {
    return new Result(true, CONFLICT_RETRY);
  }

  /** Unexpected API failure: the work queue's backoff retries it. */
  static Result failed(String what, ApiException e) {
    String detail =
        e.getResponseBody() != null
            ? e.getResponseBody()
            : String.valueOf(e.getMessage()).replaceAll("\\s+", " ");
    LOG.warning("reconcile of " + what + " failed: " + e.getCode() + " " + detail);
    return new Result(true);
  }
}
