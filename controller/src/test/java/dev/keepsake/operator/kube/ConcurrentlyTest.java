package dev.keepsake.operator.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.openapi.ApiException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConcurrentlyTest {
  @Test
  void answersComeInTheOrderOfTheCallsWhateverOrderTheyFinishIn() throws ApiException {
    List<String> answers =
        Concurrently.all(
            List.of(
                () -> {
                  sleep(150);
                  return "slow";
                },
                () -> "quick"));
    assertEquals(List.of("slow", "quick"), answers);
  }

  @Test
  void theCallsRunAtOnce() throws ApiException {
    // Each call waits for the other: one after the other, neither would ever finish.
    CountDownLatch both = new CountDownLatch(2);
    Concurrently.Call<Boolean> meet =
        () -> {
          both.countDown();
          try {
            return both.await(5, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
        };
    assertEquals(List.of(true, true), Concurrently.all(List.of(meet, meet)));
  }

  @Test
  void aRefusalReachesTheCallerAsTheApiSaidIt() {
    ApiException thrown =
        assertThrows(
            ApiException.class,
            () ->
                Concurrently.all(
                    List.<Concurrently.Call<String>>of(
                        () -> "fine",
                        () -> {
                          throw new ApiException(403, "forbidden");
                        })));
    assertEquals(403, thrown.getCode());
    assertTrue(thrown.getMessage().contains("forbidden"));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
