package dev.keepsake.operator.app;

import io.kubernetes.client.openapi.ApiClient;
import java.io.IOException;

/**
 * Whether this process may act. A leader that cannot renew its Lease (its API server away longer
 * than the renew deadline) stops acting before another replica can take the Lease, and waits, with
 * its caches kept, until it leads again: the controllers' workers wait here, and the writes of
 * reconciles already under way are refused. No restart is needed.
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
      notifyAll();
    }
  }

  synchronized void waitToLead() {
    stops++;
    if (state != State.SHUT_DOWN) {
      state = State.WAITING;
    }
  }

  /** Let every waiting worker go, to find its queue shut down. */
  synchronized void shutDown() {
    state = State.SHUT_DOWN;
    notifyAll();
  }

  synchronized boolean leading() {
    return state == State.LEADING;
  }

  /** Until this process leads or shuts down; true if it leads. */
  synchronized boolean awaitTurn() throws InterruptedException {
    while (state == State.WAITING) {
      wait();
    }
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
            .addInterceptor(
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
