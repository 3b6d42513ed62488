package dev.keepsake.operator.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kubernetes.client.extended.workqueue.DefaultWorkQueue;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SettlingQueueTest {
  @Test
  void aBurstOfAddsForOneObjectIsOneItemAMomentLater() throws InterruptedException {
    var queue = new DefaultWorkQueue<String>();
    var settling = new SettlingQueue<>(queue, Duration.ofMillis(300));
    for (int i = 0; i < 50; i++) {
      settling.add("demo/redis");
    }
    settling.add("demo/postgres");

    assertEquals(0, queue.length(), "nothing is handed on within the moment");
    Thread.sleep(1000);
    assertEquals(2, queue.length());
    assertEquals(Set.of("demo/redis", "demo/postgres"), Set.of(queue.get(), queue.get()));
  }

  @Test
  void noObjectIsDroppedHoweverManyWait() throws InterruptedException {
    var queue = new DefaultWorkQueue<Integer>();
    var settling = new SettlingQueue<>(queue, Duration.ofMillis(200));
    for (int i = 0; i < 5000; i++) {
      settling.add(i);
    }

    Thread.sleep(1500);
    assertEquals(5000, queue.length());
    Set<Integer> handedOn = new HashSet<>();
    for (int i = 0; i < 5000; i++) {
      handedOn.add(queue.get());
    }
    assertEquals(5000, handedOn.size());
  }
}
