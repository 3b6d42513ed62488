package dev.keepsake.operator.kube;

import io.kubernetes.client.openapi.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Requests that do not depend on each other, sent at once: a reconcile then waits for the slowest
 * of them rather than for their sum. A session's way to its Job checked its Secrets and made its
 * identity in seven round trips, one after the other.
 */
final class Concurrently {
  private static final AtomicInteger THREADS = new AtomicInteger();

  /** Bounded: a burst of reconciles queues its requests here rather than opening without end. */
  private static final ExecutorService REQUESTS =
      Executors.newFixedThreadPool(
          16,
          task -> {
            Thread thread = new Thread(task, "keepsake-requests-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
          });

  private Concurrently() {}

  interface Call<T> {
    T call() throws ApiException;
  }

  /** The answers in the order of the calls; the first failure (in that order) is thrown. */
  static <T> List<T> all(List<Call<T>> calls) throws ApiException {
    if (calls.size() == 1) {
      return List.of(calls.get(0).call());
    }
    List<Future<T>> sent = new ArrayList<>();
    calls.forEach(call -> sent.add(REQUESTS.submit(call::call)));
    List<T> answers = new ArrayList<>();
    for (Future<T> answer : sent) {
      try {
        answers.add(answer.get());
      } catch (ExecutionException failed) {
        if (failed.getCause() instanceof ApiException api) {
          throw api;
        }
        if (failed.getCause() instanceof RuntimeException runtime) {
          throw runtime;
        }
        throw new IllegalStateException(failed.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the API server", e);
      }
    }
    return answers;
  }
}
