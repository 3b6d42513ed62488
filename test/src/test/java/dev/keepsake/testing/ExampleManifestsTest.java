package dev.keepsake.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import dev.keepsake.api.BackupConfiguration;
import dev.keepsake.api.ComputeResources;
import dev.keepsake.api.Manifests;
import dev.keepsake.api.Param;
import dev.keepsake.api.Task;
import dev.keepsake.api.TaskSpec;
import dev.keepsake.api.TaskStep;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1ConfigMapVolumeSource;
import io.kubernetes.client.openapi.models.V1EmptyDirVolumeSource;
import io.kubernetes.client.openapi.models.V1KeyToPath;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaimVolumeSource;
import io.kubernetes.client.openapi.models.V1SecretVolumeSource;
import io.kubernetes.client.openapi.models.V1Toleration;
import io.kubernetes.client.openapi.models.V1Volume;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalControlPlaneExtension.class)
class ExampleManifestsTest {

  @Test
  void everyExampleGoesThroughTheModelsAndIsStoredByTheApiServerWithNothingLost(
      ApiClient client, TestNamespace namespace) throws ApiException {
    int keepsakeObjects = 0;
    for (JsonObject example : Examples.all()) {
      if (!Manifests.isKeepsakeObject(example)) {
        Examples.create(client, namespace.name(), example);
        continue;
      }
      JsonObject throughModel = Manifests.toJson(Manifests.toModel(example));

      JsonObject stored = Examples.createStrict(client, namespace.name(), throughModel);

      String what =
          example.get("kind").getAsString() + "/" + example.getAsJsonObject("metadata").get("name");
      assertNothingLost(what, example, stored);
      assertThat(stored.getAsJsonObject("metadata").get("name"))
          .isEqualTo(example.getAsJsonObject("metadata").get("name"));
      assertThat(
              Manifests.differences(
                  stored.get("spec"), Manifests.toJson(Manifests.toModel(stored)).get("spec")))
          .as("the stored %s read back into its model", example.get("kind"))
          .isEmpty();
      keepsakeObjects++;
    }
    assertThat(keepsakeObjects).isGreaterThanOrEqualTo(7);
  }

  @Test
  void modelsBuiltInCodeWithTheClientsV1TypesAreAcceptedUnderStrictValidation(
      ApiClient client, TestNamespace namespace) throws ApiException {
    // The client's V1 models start with empty lists (items, claims, ...); the schema must accept
    // them.
    Task task =
        new Task()
            .metadata(new V1ObjectMeta().name("all-volume-kinds"))
            .spec(
                new TaskSpec()
                    .steps(
                        List.of(
                            new TaskStep()
                                .name("dump")
                                .params(List.of(new Param().name("DATABASE").value("1")))))
                    .volumes(
                        List.of(
                            new V1Volume()
                                .name("scratch")
                                .emptyDir(new V1EmptyDirVolumeSource().medium("Memory")),
                            new V1Volume()
                                .name("tls")
                                .secret(
                                    new V1SecretVolumeSource()
                                        .secretName("redis-tls")
                                        .items(
                                            List.of(
                                                new V1KeyToPath().key("ca.crt").path("ca.crt")))),
                            new V1Volume()
                                .name("conf")
                                .configMap(new V1ConfigMapVolumeSource().name("redis-conf")),
                            new V1Volume()
                                .name("data")
                                .persistentVolumeClaim(
                                    new V1PersistentVolumeClaimVolumeSource()
                                        .claimName("redis-data")
                                        .readOnly(true)))));
    BackupConfiguration configuration =
        Manifests.toModel(
            Examples.get("BackupConfiguration", "redis-nightly"), BackupConfiguration.class);
    configuration
        .getSpec()
        .getRuntimeSettings()
        .tolerations(
            List.of(
                new V1Toleration()
                    .key("dedicated")
                    .operator("Equal")
                    .value("backup")
                    .effect("NoSchedule")))
        .nodeSelector(Map.of("kubernetes.io/os", "linux"))
        .resources(new ComputeResources().limits(Map.of("cpu", Quantity.fromString("500m"))));

    for (Object model : List.of(task, configuration)) {
      JsonObject json = Manifests.toJson(model);
      assertNothingLost(
          json.get("kind").getAsString(),
          json,
          Examples.createStrict(client, namespace.name(), json));
    }
  }

  @Test
  void defaultsFromTheSchemaAreFilledInByTheApiServer(ApiClient client, TestNamespace namespace)
      throws ApiException {
    JsonObject repository = Examples.get("Repository", "redis-local");
    JsonObject session = Examples.get("BackupSession", "redis-nightly-manual");
    Examples.with(session, "spec.trigger", null);
    Examples.with(session, "spec.invoker", "{\"name\": \"redis-nightly\"}");

    JsonObject storedRepository = Examples.createStrict(client, namespace.name(), repository);
    JsonObject storedSession = Examples.createStrict(client, namespace.name(), session);

    assertThat(storedRepository.getAsJsonObject("spec").get("initialize").getAsBoolean()).isTrue();
    assertThat(storedRepository.getAsJsonObject("spec").get("wipeOut").getAsBoolean()).isFalse();
    assertThat(storedSession.getAsJsonObject("spec").get("trigger").getAsString())
        .isEqualTo("Manual");
    assertThat(
            storedSession
                .getAsJsonObject("spec")
                .getAsJsonObject("invoker")
                .get("kind")
                .getAsString())
        .isEqualTo("BackupConfiguration");
  }

  /**
   * Schema defaults may add fields (initialize, wipeOut, ...); nothing that was sent may go or
   * change.
   */
  private static void assertNothingLost(String what, JsonObject sent, JsonObject stored) {
    assertThat(Manifests.differences(sent.get("spec"), stored.get("spec")))
        .as("%s spec as stored", what)
        .allMatch(difference -> difference.contains(" appeared: "));
  }
}
