package dev.keepsake.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.keepsake.api.ApiKind;
import dev.keepsake.api.BackupConfiguration;
import dev.keepsake.api.Crds;
import dev.keepsake.api.Resource;
import dev.keepsake.operator.app.Operator;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CustomObjectsApi;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesApi;
import io.kubernetes.client.util.generic.options.PatchOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Objects of every kind that the operator cannot decode (stored while the schema let them in) are
 * reported on themselves, and do not stop the operator from reconciling the healthy ones, before
 * and after a restart.
 */
@ExtendWith(LocalControlPlaneExtension.class)
class UndecodableObjectsTest {
  private static final String BROKEN = "broken";

  /**
   * Stores, for every kind, an object whose spec is a string: the schema of the day would refuse
   * it.
   */
  private static void storeUndecodableObjects(
      LocalControlPlane controlPlane, TestNamespace namespace) throws ApiException {
    DynamicKubernetesApi crds =
        new DynamicKubernetesApi(
            "apiextensions.k8s.io", "v1", "customresourcedefinitions", controlPlane.client());
    PatchOptions apply = new PatchOptions();
    apply.setFieldManager("keepsake-test");
    apply.setForce(true);
    for (JsonObject crd : Crds.all()) {
      JsonObject loose = crd.deepCopy();
      loose
          .getAsJsonObject("spec")
          .getAsJsonArray("versions")
          .forEach(
              version ->
                  version
                      .getAsJsonObject()
                      .add(
                          "schema",
                          JsonParser.parseString(
                              "{\"openAPIV3Schema\": {\"type\": \"object\", \"x-kubernetes-preserve-unknown-fields\": true}}")));
      String name = crd.getAsJsonObject("metadata").get("name").getAsString();
      assertThat(
              crds.patch(
                      name, V1Patch.PATCH_FORMAT_APPLY_YAML, new V1Patch(loose.toString()), apply)
                  .isSuccess())
          .isTrue();
    }
    try {
      for (ApiKind<?, ?> kind : ApiKind.ALL) {
        Map<String, Object> object =
            Map.of(
                "apiVersion",
                Resource.API_VERSION,
                "kind",
                kind.kind(),
                "metadata",
                Map.of("name", BROKEN),
                "spec",
                "not an object");
        await()
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptions()
            .until(
                () -> {
                  new CustomObjectsApi(controlPlane.client())
                      .createNamespacedCustomObject(
                          Resource.GROUP, Resource.VERSION, namespace.name(), kind.plural(), object)
                      .execute();
                  return true;
                });
      }
    } finally {
      controlPlane.installCrds();
    }
  }

  private static boolean ready(ApiClient client, TestNamespace namespace, String name)
      throws ApiException {
    BackupConfiguration configuration =
        ApiKind.BACKUP_CONFIGURATION
            .api(client)
            .get(namespace.name(), name)
            .throwsApiException()
            .getObject();
    return configuration.getStatus() != null
        && configuration.getStatus().getConditions() != null
        && configuration.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static List<CoreV1Event> undecodableEvents(ApiClient client, TestNamespace namespace)
      throws ApiException {
    return ObjectEvents.of(client, namespace.name(), BROKEN).stream()
        .filter(e -> "Undecodable".equals(e.getReason()))
        .toList();
  }

  private static Operator startOperator(LocalControlPlane controlPlane) throws java.io.IOException {
    return new Operator(
            controlPlane.client(),
            controlPlane.watchClient(),
            TestOperators.settings("keepsake/runner:test", null, 600, "keepsake-job"),
            Operator.loopback())
        .start();
  }

  @Test
  void aProcessThatListsThemBeforeItLeadsReportsThemOnceItLeads(
      LocalControlPlane controlPlane, TestNamespace namespace) throws Exception {
    ApiClient client = controlPlane.client();
    storeUndecodableObjects(controlPlane, namespace);

    // With leader election a process lists as a follower first, and a watch keeps no object it
    // cannot read: what it found then is reported once it holds the Lease.
    Operator operator =
        new Operator(
            client,
            controlPlane.watchClient(),
            TestOperators.settings("keepsake/runner:test", null, 600, "keepsake-job"),
            Operator.loopback());
    Thread election =
        new Thread(
            () -> operator.runWithLeaderElection(client, namespace.name(), "only", () -> {}),
            "leader-election-only");
    election.setDaemon(true);
    election.start();
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () ->
                  assertThat(undecodableEvents(client, namespace))
                      .extracting(e -> e.getInvolvedObject().getKind())
                      .containsAll(ApiKind.ALL.stream().map(ApiKind::kind).toList()));
    } finally {
      operator.close();
    }
  }

  @Test
  void objectsThatCannotBeDecodedAreReportedAndTheOthersStillReconciled(
      LocalControlPlane controlPlane, TestNamespace namespace) throws Exception {
    ApiClient client = controlPlane.client();
    storeUndecodableObjects(controlPlane, namespace);
    Examples.createScenario(client, namespace.name());

    try (Operator operator = startOperator(controlPlane)) {
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .until(() -> ready(client, namespace, "redis-nightly"));
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(undecodableEvents(client, namespace))
                      .extracting(e -> e.getInvolvedObject().getKind())
                      .containsAll(ApiKind.ALL.stream().map(ApiKind::kind).toList()));
    }
    CoreV1Event event =
        undecodableEvents(client, namespace).stream()
            .filter(e -> "BackupConfiguration".equals(e.getInvolvedObject().getKind()))
            .findFirst()
            .orElseThrow();
    assertThat(event.getType()).isEqualTo("Warning");
    assertThat(event.getMessage())
        .contains(
            "BackupConfiguration " + namespace.name() + "/broken cannot be read by the operator",
            "spec",
            "the other backupconfigurations are reconciled as usual");
    var brokenConfiguration =
        new CustomObjectsApi(client)
            .getNamespacedCustomObject(
                Resource.GROUP, Resource.VERSION, namespace.name(), "backupconfigurations", BROKEN)
            .execute();
    assertThat(String.valueOf(brokenConfiguration)).contains("Undecodable");
    // A session's status cannot be written while its spec breaks the schema's immutability rule
    // (the
    // API server fails to evaluate it): its Event, checked above for every kind, is what it gets.

    // After a restart the operator still gets ready and picks up a configuration made since.
    JsonObject another = Examples.get("BackupConfiguration", "redis-nightly");
    Examples.with(another, "metadata.name", "\"redis-hourly\"");
    Examples.createStrict(client, namespace.name(), another);
    try (Operator restarted = startOperator(controlPlane)) {
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .until(() -> ready(client, namespace, "redis-hourly"));
      assertThat(ready(client, namespace, "redis-nightly")).isTrue();
    }
  }
}
