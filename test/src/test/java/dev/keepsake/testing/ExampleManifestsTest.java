package dev.keepsake.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import dev.keepsake.api.Manifests;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
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

      String what = example.get("kind").getAsString() + "/" + example.getAsJsonObject("metadata").get("name");
      // Schema defaults may add fields (initialize, wipeOut, ...); nothing the manifest says may go or change.
      assertThat(Manifests.differences(example.get("spec"), stored.get("spec")))
          .as("%s spec as stored", what)
          .allMatch(difference -> difference.contains(" appeared: "));
      assertThat(stored.getAsJsonObject("metadata").get("name")).isEqualTo(example.getAsJsonObject("metadata").get("name"));
      assertThat(Manifests.differences(stored.get("spec"), Manifests.toJson(Manifests.toModel(stored)).get("spec")))
          .as("the stored %s read back into its model", example.get("kind"))
          .isEmpty();
      keepsakeObjects++;
    }
    assertThat(keepsakeObjects).isGreaterThanOrEqualTo(7);
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
    assertThat(storedSession.getAsJsonObject("spec").get("trigger").getAsString()).isEqualTo("Manual");
    assertThat(storedSession.getAsJsonObject("spec").getAsJsonObject("invoker").get("kind").getAsString())
        .isEqualTo("BackupConfiguration");
  }
}
