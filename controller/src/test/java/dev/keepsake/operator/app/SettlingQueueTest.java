package dev.keepsake.operator.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.extended.workqueue.DefaultRateLimitingQueue;
import io.kubernetes.client.extended.workqueue.DefaultWorkQueue;
import java.time.Duration;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class SettlingQueueTest {
  @Test
  void aBurstOfAddsForOneObjectIsOneItemOnceItSettled() throws InterruptedException {
    var queue = new DefaultRateLimitingQueue<String>(Executors.newSingleThreadExecutor());
    var settling = SettlingQueue.of(queue, Duration.ofMillis(300));
    for (int i = 0; i < 50; i++) {
      settling.add("demo/redis");
    }
    settling.add("demo/postgres");
    assertEquals(0, queue.length(), "nothing is handed out before the burst settled");
    Thread.sleep(800);
    assertEquals(2, queue.length());
    assertTrue(java.util.Set.of("demo/redis", "demo/postgres").contains(queue.get()));
    queue.shutDown();
  }

  @Test
  void aQueueThatCannotDelayIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> SettlingQueue.of(new DefaultWorkQueue<String>(), Duration.ofSeconds(1)));
  }
}
