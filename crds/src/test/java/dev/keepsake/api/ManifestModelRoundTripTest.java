package dev.keepsake.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ManifestModelRoundTripTest {
  private static final Path EXAMPLES = Path.of("examples");

  static Stream<JsonObject> exampleObjects() throws IOException {
    try (Stream<Path> files = Files.walk(EXAMPLES)) {
      List<Path> yamlFiles = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
      return yamlFiles.stream()
          .flatMap(f -> Manifests.read(f).stream())
          .filter(Manifests::isKeepsakeObject);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("exampleObjects")
  void everyExampleIsReadIntoItsModelAndWrittenBackWithNothingLost(JsonObject manifest) {
    var model = Manifests.toModel(manifest);

    assertThat(model.getClass().getSimpleName()).isEqualTo(manifest.get("kind").getAsString());
    assertThat(Manifests.differences(manifest, Manifests.toJson(model))).isEmpty();
  }

  @Test
  void aFieldTheModelDoesNotKnowIsReportedAsLost() {
    JsonObject manifest = Manifests.read(EXAMPLES.resolve("redis/20-appbinding.yaml")).get(0);
    manifest.getAsJsonObject("spec").addProperty("unknownField", "value");

    assertThat(Manifests.differences(manifest, Manifests.toJson(Manifests.toModel(manifest))))
        .containsExactly(".spec.unknownField: expected \"value\" but was null");
  }

  @Test
  void theExamplesCoverEveryKind() throws IOException {
    List<String> kinds = exampleObjects().map(o -> o.get("kind").getAsString()).distinct().toList();

    assertThat(kinds)
        .containsExactlyInAnyOrderElementsOf(ApiKind.ALL.stream().map(ApiKind::kind).toList());
  }

  @Test
  void thereIsOneCrdFilePerKindAndItDeclaresThatKind() {
    for (ApiKind<?, ?> kind : ApiKind.ALL) {
      JsonObject crd = Crds.manifest(kind);
      JsonObject names = crd.getAsJsonObject("spec").getAsJsonObject("names");

      assertThat(crd.getAsJsonObject("metadata").get("name").getAsString())
          .isEqualTo(kind.crdName());
      assertThat(names.get("kind").getAsString()).isEqualTo(kind.kind());
      assertThat(names.get("plural").getAsString()).isEqualTo(kind.plural());
      assertThat(names.getAsJsonArray("categories").toString()).contains("\"keepsake\"");
      assertThat(Files.exists(Path.of(Crds.fileName(kind)))).isTrue();
    }
  }
}
