package dev.keepsake.operator.app;

import io.kubernetes.client.extended.workqueue.DelayingQueue;
import io.kubernetes.client.extended.workqueue.WorkQueue;
import java.time.Duration;

/**
 * A controller's queue as a watch of other objects sees it: what the watch adds is reconciled once
 * the events have settled for a moment, and all of an object's adds within that moment are one
 * reconcile. For statuses that sum up many objects: a burst of 100 sessions made 326 Repository
 * reconciles, each with its Secret looked up, while the sessions still waited for their Jobs.
 */
final class SettlingQueue<T> implements WorkQueue<T> {
  private final DelayingQueue<T> queue;
  private final Duration settle;

  private SettlingQueue(DelayingQueue<T> queue, Duration settle) {
    this.queue = queue;
    this.settle = settle;
  }

  static <T> WorkQueue<T> of(WorkQueue<T> queue, Duration settle) {
    if (queue instanceof DelayingQueue<T> delaying) {
      return new SettlingQueue<>(delaying, settle);
    }
    throw new IllegalArgumentException("a settling queue needs a delaying queue");
  }

  @Override
  public void add(T item) {
    queue.addAfter(item, settle);
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
