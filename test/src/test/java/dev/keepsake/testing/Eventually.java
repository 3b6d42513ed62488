package dev.keepsake.testing;

import static org.awaitility.Awaitility.await;

import dev.keepsake.api.ApiKind;
import dev.keepsake.api.BackupSession;
import dev.keepsake.api.RestoreSession;
import dev.keepsake.api.SessionPhase;
import io.kubernetes.client.openapi.ApiClient;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.awaitility.core.ThrowingRunnable;

/**
 * The one way the tests wait: for what a user would see to become true, polling the API server,
 * never for a fixed time. A read that fails (not there yet) is read again.
 */
final class Eventually {
  private static final Duration POLL = Duration.ofMillis(500);

  private Eventually() {}

  /**
   * Until {@code assertion} holds, within {@code atMost}; its last failure is the test's when it
   * never does.
   */
  static void eventually(Duration atMost, ThrowingRunnable assertion) {
    await().atMost(atMost).pollInterval(POLL).ignoreExceptions().untilAsserted(assertion);
  }

  /** What {@code read} returns once {@code done} holds for it, within {@code atMost}. */
  static <T> T eventually(Duration atMost, Callable<T> read, Predicate<? super T> done) {
    return await().atMost(atMost).pollInterval(POLL).ignoreExceptions().until(read, done::test);
  }

  /** That {@code assertion} holds the whole time, checked as it goes: for what must not happen. */
  static void throughout(Duration period, ThrowingRunnable assertion) {
    await()
        .during(period)
        .atMost(period.plusSeconds(10))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(assertion);
  }

  /** The backup session once it finished (Succeeded, Failed or Skipped). */
  static BackupSession finished(ApiClient client, String namespace, String name, Duration atMost) {
    return eventually(
        atMost,
        () ->
            ApiKind.BACKUP_SESSION
                .api(client)
                .get(namespace, name)
                .throwsApiException()
                .getObject(),
        session -> finished(session.getStatus() == null ? null : session.getStatus().getPhase()));
  }

  /** The restore session once it finished. */
  static RestoreSession restored(ApiClient client, String namespace, String name, Duration atMost) {
    return eventually(
        atMost,
        () ->
            ApiKind.RESTORE_SESSION
                .api(client)
                .get(namespace, name)
                .throwsApiException()
                .getObject(),
        session -> finished(session.getStatus() == null ? null : session.getStatus().getPhase()));
  }

  private static boolean finished(SessionPhase phase) {
    return phase != null && phase.isFinished();
  }
}
