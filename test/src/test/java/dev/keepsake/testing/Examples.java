package dev.keepsake.testing;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.keepsake.api.ApiKind;
import dev.keepsake.api.Manifests;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.CustomObjectsApi;
import io.kubernetes.client.openapi.models.V1Secret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The manifests under crds/examples, and small tools to change and create them in tests. */
final class Examples {
  static final Path REDIS = Project.root().resolve("crds/examples/redis");

  private Examples() {}

  static List<JsonObject> all() {
    try (Stream<Path> files = Files.walk(Project.root().resolve("crds/examples"))) {
      return files
          .filter(f -> f.toString().endsWith(".yaml"))
          .sorted()
          .flatMap(f -> Manifests.read(f).stream())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A fresh copy of the example object of this kind and name. */
  static JsonObject get(String kind, String name) {
    return all().stream()
        .filter(o -> o.get("kind").getAsString().equals(kind))
        .filter(o -> o.getAsJsonObject("metadata").get("name").getAsString().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no example " + kind + "/" + name))
        .deepCopy();
  }

  /** Sets a dotted path ("spec.backend.s3") to a JSON value; null removes it. */
  static JsonObject with(JsonObject object, String path, String json) {
    String[] keys = path.split("\\.");
    JsonObject parent = object;
    for (int i = 0; i < keys.length - 1; i++) {
      if (!parent.has(keys[i])) {
        parent.add(keys[i], new JsonObject());
      }
      parent = parent.getAsJsonObject(keys[i]);
    }
    if (json == null) {
      parent.remove(keys[keys.length - 1]);
    } else {
      parent.add(keys[keys.length - 1], JsonParser.parseString(json));
    }
    return object;
  }

  /**
   * Creates a keepsake.dev object with strict field validation and returns what the server stored.
   */
  static JsonObject createStrict(ApiClient client, String namespace, JsonObject object)
      throws ApiException {
    ApiKind<?, ?> kind = ApiKind.byKind(object.get("kind").getAsString());
    Object created =
        new CustomObjectsApi(client)
            .createNamespacedCustomObject(
                "keepsake.dev", "v1alpha1", namespace, kind.plural(), object)
            .fieldValidation("Strict")
            .execute();
    return new JSON().getGson().toJsonTree(created).getAsJsonObject();
  }

  /** Creates every example but the sessions, and but the kinds named, in the namespace. */
  static void createScenario(ApiClient client, String namespace, String... skipKinds)
      throws ApiException {
    for (JsonObject example : all()) {
      String kind = example.get("kind").getAsString();
      if (!java.util.List.of(skipKinds).contains(kind) && !kind.endsWith("Session")) {
        create(client, namespace, example);
      }
    }
  }

  /**
   * Creates any example document: a keepsake.dev object strictly, a Secret through the core API.
   */
  static void create(ApiClient client, String namespace, JsonObject object) throws ApiException {
    if (Manifests.isKeepsakeObject(object)) {
      createStrict(client, namespace, object);
    } else if ("Secret".equals(object.get("kind").getAsString())) {
      V1Secret secret = new JSON().getGson().fromJson(object, V1Secret.class);
      new CoreV1Api(client).createNamespacedSecret(namespace, secret).execute();
    } else {
      throw new IllegalArgumentException("examples hold no " + object.get("kind"));
    }
  }

  static String message(ApiException e) {
    JsonElement body = JsonParser.parseString(e.getResponseBody());
    return body.isJsonObject() && body.getAsJsonObject().has("message")
        ? body.getAsJsonObject().get("message").getAsString()
        : e.getResponseBody();
  }
}
