package dev.keepsake.operator.app;

import io.kubernetes.client.openapi.ApiClient;
import java.io.IOException;

/**
 * Whether this process may act. A leader that cannot renew its Lease (its API server away longer
 * than the renew deadline) stops acting before another replica can take the Lease, and follows, its
 * caches kept, until it leads again: its controllers' workers let requests go, its hooks and
 * Pushgateway janitor stop, and the writes of reconciles already under way are refused. No restart
 * is needed.
 */
final class LeadershipGate {
  private enum State {
    LEADING,
    WAITING,
    SHUT_DOWN
  }

  private State state = State.LEADING;

  /** How many times this process stopped leading: a start told late must not undo a later stop. */
  private long stops;

  synchronized long stops() {
    return stops;
  }

  /** This process leads, unless it stopped since {@code stopsBefore} was read. */
  synchronized void lead(long stopsBefore) {
    if (state != State.SHUT_DOWN && stops == stopsBefore) {
      state = State.LEADING;
    }
  }

  synchronized void follow() {
    stops++;
    if (state != State.SHUT_DOWN) {
      state = State.WAITING;
    }
  }

  /** For good: nothing acts any more. */
  synchronized void shutDown() {
    state = State.SHUT_DOWN;
  }

  synchronized boolean leading() {
    return state == State.LEADING;
  }

  /**
   * The client, with every request but a read refused while this process does not lead. The Lease's
   * own client must not be guarded.
   */
  ApiClient guard(ApiClient client) {
    return client.setHttpClient(
        client
            .getHttpClient()
            .newBuilder()
            // A network interceptor: every attempt is looked at, retries included.
            .addNetworkInterceptor(
                chain -> {
                  if (!"GET".equals(chain.request().method()) && !leading()) {
                    throw new IOException(
                        "this operator does not hold the Lease "
                            + Operator.LEASE_NAME
                            + " now: "
                            + chain.request().method()
                            + " "
                            + chain.request().url().encodedPath()
                            + " not sent");
                  }
                  return chain.proceed(chain.request());
                })
            .build());
  }
}
