package dev.keepsake.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What `kubectl explain` shows: every field of every kind says what it is. */
class CrdDescriptionsTest {
  private static List<JsonObject> crds() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("."))) {
      return files
          .filter(f -> f.getFileName().toString().matches("keepsake\\.dev_.*\\.yaml"))
          .sorted()
          .flatMap(f -> Manifests.read(f).stream())
          .toList();
    }
  }

  @Test
  void everyFieldOfEveryKindHasADescription() throws IOException {
    List<JsonObject> crds = crds();
    List<String> undescribed = new ArrayList<>();
    for (JsonObject crd : crds) {
      String kind = crd.getAsJsonObject("spec").getAsJsonObject("names").get("kind").getAsString();
      for (JsonElement version : crd.getAsJsonObject("spec").getAsJsonArray("versions")) {
        JsonObject schema =
            version.getAsJsonObject().getAsJsonObject("schema").getAsJsonObject("openAPIV3Schema");
        collect(schema, kind, undescribed);
      }
    }

    assertThat(crds).hasSize(ApiKind.ALL.size());
    assertThat(undescribed).as("fields kubectl explain shows as <no description>").isEmpty();
  }

  private static void collect(JsonObject schema, String path, List<String> undescribed) {
    if (schema.has("properties")) {
      for (Map.Entry<String, JsonElement> property :
          schema.getAsJsonObject("properties").entrySet()) {
        JsonObject field = property.getValue().getAsJsonObject();
        String fieldPath = path + "." + property.getKey();
        // The API server allows nothing but the type at the top-level metadata; kubectl explains
        // ObjectMeta itself.
        boolean objectMeta = fieldPath.equals(path + ".metadata") && path.indexOf('.') < 0;
        if (!objectMeta
            && (!field.has("description") || field.get("description").getAsString().isBlank())) {
          undescribed.add(fieldPath);
        }
        collect(field, fieldPath, undescribed);
      }
    }
    if (schema.has("items") && schema.get("items").isJsonObject()) {
      collect(schema.getAsJsonObject("items"), path + "[]", undescribed);
    }
    if (schema.has("additionalProperties") && schema.get("additionalProperties").isJsonObject()) {
      collect(schema.getAsJsonObject("additionalProperties"), path + "{}", undescribed);
    }
  }
}
