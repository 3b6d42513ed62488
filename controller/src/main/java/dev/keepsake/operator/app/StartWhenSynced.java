package dev.keepsake.operator.app;

import io.kubernetes.client.extended.controller.Controller;
import io.kubernetes.client.extended.controller.DefaultController;
import io.kubernetes.client.extended.controller.reconciler.Request;
import io.kubernetes.client.extended.workqueue.WorkQueue;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Starts a controller once every informer has listed, however long that takes.
 *
 * <p>The client's own wait (a controller's ready function) gives up after 30 s: the controller then
 * never runs while the process goes on and, its informers synced at last, says it is ready. That
 * wait also spins a core until the lists arrive, which is when the lists' decoding needs the cores
 * most.
 */
final class StartWhenSynced implements Controller {
  static final Duration CHECK = Duration.ofMillis(25);
  private static final Duration STUCK_AFTER = Duration.ofSeconds(1);
  private final DefaultController controller;
  private final BooleanSupplier synced;
  private volatile boolean stopped;
  private volatile Thread running;

  StartWhenSynced(DefaultController controller, BooleanSupplier synced) {
    this.controller = controller;
    this.synced = synced;
  }

  /** The controller's queue: requests added before it starts wait there. */
  WorkQueue<Request> workQueue() {
    return controller.getWorkQueue();
  }

  @Override
  public void run() {
    running = Thread.currentThread();
    try {
      while (!synced.getAsBoolean()) {
        if (stopped) {
          return;
        }
        Thread.sleep(CHECK.toMillis());
      }
      if (!stopped) {
        controller.run();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RejectedExecutionException e) {
      // Shut down between the look at stopped and the start of its workers.
    } finally {
      running = null;
    }
  }

  /**
   * Stops the controller. A start caught half way (its workers queued, then cancelled with the
   * pool) would wait for them for ever: still running a second later, it is interrupted. A
   * controller that stops as it should is not, since it would log the interruption as an error.
   */
  @Override
  public void shutdown() {
    stopped = true;
    controller.shutdown();
    CompletableFuture.delayedExecutor(STUCK_AFTER.toMillis(), TimeUnit.MILLISECONDS)
        .execute(
            () -> {
              Thread thread = running;
              if (thread != null) {
                thread.interrupt();
              }
            });
  }
}
