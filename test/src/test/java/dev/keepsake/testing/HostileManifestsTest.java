package dev.keepsake.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import dev.keepsake.api.ApiKind;
import dev.keepsake.api.BackupConfiguration;
import dev.keepsake.api.BackupSession;
import dev.keepsake.api.SessionPhase;
import dev.keepsake.operator.app.Operator;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1Condition;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Objects the API server accepts but the operator cannot carry out, as a careless user writes them:
 * each ends with a condition whose reason and message name the field and value, and an Event.
 */
@ExtendWith(LocalControlPlaneExtension.class)
class HostileManifestsTest {
  private static Operator operator;

  @BeforeAll
  static void startOperator(LocalControlPlane controlPlane) throws IOException {
    operator =
        new Operator(
                controlPlane.client(),
                controlPlane.watchClient(),
                TestOperators.settings("keepsake/runner:test", null, 600, "keepsake-job"),
                Operator.loopback())
            .start();
  }

  @AfterAll
  static void stopOperator() {
    operator.close();
  }

  private static void applyScenario(ApiClient client, TestNamespace namespace, String... skipKinds)
      throws ApiException {
    Examples.createScenario(client, namespace.name(), skipKinds);
  }

  private static V1Condition readyOf(ApiClient client, TestNamespace namespace, String name)
      throws ApiException {
    BackupConfiguration configuration =
        ApiKind.BACKUP_CONFIGURATION
            .api(client)
            .get(namespace.name(), name)
            .throwsApiException()
            .getObject();
    return configuration.getStatus() == null || configuration.getStatus().getConditions() == null
        ? null
        : configuration.getStatus().getConditions().stream()
            .filter(c -> "Ready".equals(c.getType()))
            .findFirst()
            .orElse(null);
  }

  private static List<CoreV1Event> events(ApiClient client, TestNamespace namespace, String name)
      throws ApiException {
    return ObjectEvents.of(client, namespace.name(), name);
  }

  private static V1Condition awaitNotReady(ApiClient client, TestNamespace namespace, String name) {
    return Eventually.eventually(
        Duration.ofSeconds(30),
        () -> readyOf(client, namespace, name),
        ready -> ready != null && "False".equals(ready.getStatus()));
  }

  @Test
  void aConfigurationWhoseCronJobTheApiServerRefusesSaysWhy(
      ApiClient client, TestNamespace namespace) throws ApiException {
    applyScenario(client, namespace, "BackupConfiguration");
    JsonObject configuration = Examples.get("BackupConfiguration", "redis-nightly");
    // The schema refuses what it can tell from the text; a range that runs backwards it cannot.
    Examples.with(configuration, "spec.schedule", "\"30-10 2 * * *\"");
    Examples.createStrict(client, namespace.name(), configuration);

    V1Condition ready = awaitNotReady(client, namespace, "redis-nightly");

    assertThat(ready.getReason()).isIn("InvalidSchedule", "CronJobRefused");
    assertThat(ready.getMessage()).contains("30-10");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(events(client, namespace, "redis-nightly"))
                    .anySatisfy(
                        event -> {
                          assertThat(event.getType()).isEqualTo("Warning");
                          assertThat(event.getReason()).isEqualTo(ready.getReason());
                          assertThat(event.getMessage()).contains("30-10");
                        }));
  }

  @ParameterizedTest
  @CsvSource({"BackupConfiguration, redis-nightly", "Repository, redis-local"})
  void aNameTooLongToBeALabelIsRefusedByTheSchema(
      String kind, String example, ApiClient client, TestNamespace namespace) {
    JsonObject object = Examples.get(kind, example);
    String name = "a-name-that-is-fine-for-etcd-but-not-for-a-label-value-of-its-jobs";
    Examples.with(object, "metadata.name", "\"" + name + "\"");

    assertThatThrownBy(() -> Examples.createStrict(client, namespace.name(), object))
        .isInstanceOfSatisfying(
            ApiException.class,
            refused -> {
              assertThat(refused.getCode()).isEqualTo(422);
              assertThat(refused.getResponseBody())
                  .contains("metadata.name must be at most 63 characters");
            });
  }

  @Test
  void aSessionWhoseJobTheApiServerRefusesFailsWithTheRefusal(
      ApiClient client, TestNamespace namespace) throws ApiException {
    // Requests above limits: the schema cannot compare them, the operator leaves it to the API
    // server.
    applyScenario(client, namespace, "BackupConfiguration");
    JsonObject configuration = Examples.get("BackupConfiguration", "redis-nightly");
    Examples.with(
        configuration,
        "spec.runtimeSettings.resources",
        "{\"requests\": {\"cpu\": \"2\"}, \"limits\": {\"cpu\": \"1\"}}");
    Examples.createStrict(client, namespace.name(), configuration);
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () -> readyOf(client, namespace, "redis-nightly"),
            ready -> ready != null && "True".equals(ready.getStatus()));
    JsonObject session = Examples.get("BackupSession", "redis-nightly-manual");
    Examples.createStrict(client, namespace.name(), session);

    BackupSession failed =
        await()
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptions()
            .until(
                () ->
                    ApiKind.BACKUP_SESSION
                        .api(client)
                        .get(namespace.name(), "redis-nightly-manual")
                        .throwsApiException()
                        .getObject(),
                s -> s.getStatus() != null && s.getStatus().getPhase() == SessionPhase.Failed);

    assertThat(failed.getStatus().getReason()).isIn("JobRefused", "InvalidTask");
    assertThat(failed.getStatus().getMessage()).contains("must be less than or equal to cpu limit");
    assertThat(failed.getStatus().getConditions())
        .anySatisfy(
            condition -> {
              assertThat(condition.getType()).isEqualTo("Completed");
              assertThat(condition.getStatus()).isEqualTo("False");
            });
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(events(client, namespace, "redis-nightly-manual"))
                    .extracting(CoreV1Event::getReason)
                    .contains(failed.getStatus().getReason()));
  }
}
