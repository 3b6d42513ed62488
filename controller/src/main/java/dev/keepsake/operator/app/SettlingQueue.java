package dev.keepsake.operator.app;

import io.kubernetes.client.extended.workqueue.WorkQueue;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A controller's queue as a watch of other objects sees it: the first add of an object is handed on
 * after a moment, and every add of it in that moment goes with it. For statuses that sum up many
 * objects: a burst of 100 sessions made 326 Repository reconciles, each with its Secret looked up,
 * while the sessions still waited for their Jobs. Nothing is dropped: an object waits here once,
 * however many events name it.
 */
final class SettlingQueue<T> implements WorkQueue<T> {
  private static final ScheduledExecutorService TIMER =
      Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread thread = new Thread(task, "keepsake-settling");
            thread.setDaemon(true);
            return thread;
          });

  private final WorkQueue<T> queue;
  private final Duration settle;
  private final Set<T> waiting = ConcurrentHashMap.newKeySet();

  SettlingQueue(WorkQueue<T> queue, Duration settle) {
    this.queue = queue;
    this.settle = settle;
  }

  @Override
  public void add(T item) {
    if (waiting.add(item)) {
      TIMER.schedule(
          () -> {
            waiting.remove(item);
            queue.add(item);
          },
          settle.toMillis(),
          TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public int length() {
    return queue.length();
  }

  @Override
  public T get() throws InterruptedException {
    return queue.get();
  }

  @Override
  public void done(T item) {
    queue.done(item);
  }

  @Override
  public void shutDown() {
    queue.shutDown();
  }

  @Override
  public boolean isShuttingDown() {
    return queue.isShuttingDown();
  }
}
