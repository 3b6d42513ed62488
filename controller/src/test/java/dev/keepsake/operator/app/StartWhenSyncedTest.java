package dev.keepsake.operator.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.extended.controller.DefaultController;
import io.kubernetes.client.extended.controller.reconciler.Request;
import io.kubernetes.client.extended.controller.reconciler.Result;
import io.kubernetes.client.extended.workqueue.DefaultRateLimitingQueue;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class StartWhenSyncedTest {
  private final List<Request> reconciled = new CopyOnWriteArrayList<>();
  private final AtomicBoolean synced = new AtomicBoolean();
  private final StartWhenSynced controller = new StartWhenSynced(counting(), synced::get);

  @Test
  void nothingIsReconciledBeforeTheInformersSyncedAndWhatWaitedIsAfterwards() throws Exception {
    controller.workQueue().add(new Request("ns", "early"));
    Thread running = start();
    Thread.sleep(10 * StartWhenSynced.CHECK.toMillis());
    assertTrue(reconciled.isEmpty(), "reconciled before the caches were filled: " + reconciled);
    assertTrue(running.isAlive());

    synced.set(true);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (reconciled.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertEquals(List.of(new Request("ns", "early")), reconciled);
    controller.shutdown();
    running.join(5_000);
    assertFalse(running.isAlive());
  }

  @Test
  void aShutdownWhileWaitingEndsTheWaitAndNeverStartsTheController() throws Exception {
    controller.workQueue().add(new Request("ns", "never"));
    Thread running = start();
    Thread.sleep(2 * StartWhenSynced.CHECK.toMillis());
    controller.shutdown();
    running.join(5_000);
    assertFalse(running.isAlive(), "still waiting for caches after shutdown");
    synced.set(true);
    Thread.sleep(2 * StartWhenSynced.CHECK.toMillis());
    assertTrue(reconciled.isEmpty());
  }

  private Thread start() {
    Thread thread = new Thread(controller, "start-when-synced-test");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private DefaultController counting() {
    DefaultController built =
        new DefaultController(
            "test",
            request -> {
              reconciled.add(request);
              return new Result(false);
            },
            new DefaultRateLimitingQueue<>(Executors.newSingleThreadExecutor()));
    built.setWorkerCount(1);
    built.setWorkerThreadPool(Executors.newScheduledThreadPool(1));
    return built;
  }
}
