package dev.keepsake.operator.kube;

import io.kubernetes.client.openapi.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Requests that do not depend on each other, sent at once: a reconcile then waits for the slowest
 * of them rather than for their sum. A session's way to its Job checked its Secrets and made its
 * identity in seven round trips, one after the other.
 */
final class Concurrently {
  /** Bounded: a burst of reconciles queues its requests here rather than opening without end. */
  private static final ExecutorService REQUESTS =
      Executors.newFixedThreadPool(
          16,
          new java.util.concurrent.ThreadFactory() {
            private final AtomicInteger count = new AtomicInteger();

            @Override
            public Thread newThread(Runnable task) {
              Thread thread = new Thread(task, "keepsake-requests-" + count.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            }
          });

  private Concurrently() {}

  interface Call<T> {
    T call() throws ApiException;
  }

  /** The answers in the order of the calls; the first failure (in that order) is thrown. */
  static <T> List<T> all(List<Call<T>> calls) throws ApiException {
    if (calls.size() < 2) {
      List<T> answers = new ArrayList<>();
      for (Call<T> call : calls) {
        answers.add(call.call());
      }
      return answers;
    }
    List<CompletableFuture<T>> sent =
        calls.stream()
            .map(call -> CompletableFuture.supplyAsync(() -> unchecked(call), REQUESTS))
            .toList();
    List<T> answers = new ArrayList<>();
    for (CompletableFuture<T> answer : sent) {
      try {
        answers.add(answer.join());
      } catch (CompletionException failed) {
        Throwable cause = failed.getCause();
        if (cause instanceof Unchecked wrapped) {
          throw wrapped.api;
        }
        if (cause instanceof RuntimeException runtime) {
          throw runtime;
        }
        if (cause instanceof Error error) {
          throw error;
        }
        throw failed;
      }
    }
    return answers;
  }

  private static <T> T unchecked(Call<T> call) {
    try {
      return call.call();
    } catch (ApiException e) {
      throw new Unchecked(e);
    }
  }

  private static final class Unchecked extends RuntimeException {
    private final ApiException api;

    Unchecked(ApiException api) {
      super(api.getMessage(), api, false, false);
      this.api = api;
    }
  }
}
