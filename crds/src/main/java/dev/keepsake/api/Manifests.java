package dev.keepsake.api;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.openapi.JSON;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Reads YAML manifests (one or many documents) as JSON trees and as keepsake.dev models. */
public final class Manifests {
  private static final JSON JSON = new JSON();

  private Manifests() {}

  public static List<JsonObject> read(Path file) {
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(reader);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  public static List<JsonObject> read(InputStream in) {
    return read(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
  }

  public static List<JsonObject> read(Reader reader) {
    // SafeConstructor keeps YAML from building arbitrary Java objects; timestamps stay strings
    // below.
    Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
    List<JsonObject> documents = new ArrayList<>();
    for (Object document : yaml.loadAll(reader)) {
      if (document instanceof Map<?, ?> map) {
        documents.add(JSON.getGson().toJsonTree(map).getAsJsonObject());
      }
    }
    return documents;
  }

  public static boolean isKeepsakeObject(JsonObject document) {
    JsonElement apiVersion = document.get("apiVersion");
    return apiVersion != null && Resource.API_VERSION.equals(apiVersion.getAsString());
  }

  /** Turns a keepsake.dev document into its model class, chosen by {@code kind}. */
  public static KubernetesObject toModel(JsonObject document) {
    if (!isKeepsakeObject(document)) {
      throw new IllegalArgumentException(
          "not a " + Resource.API_VERSION + " object: " + document.get("apiVersion"));
    }
    ApiKind<?, ?> kind = ApiKind.byKind(document.get("kind").getAsString());
    return JSON.getGson().fromJson(document, kind.type());
  }

  public static <T> T toModel(JsonObject document, Class<T> type) {
    return JSON.getGson().fromJson(document, type);
  }

  /** The Gson the Kubernetes client uses, with its date-time and model adapters. */
  public static com.google.gson.Gson gson() {
    return JSON.getGson();
  }

  public static JsonObject toJson(Object model) {
    return JSON.getGson().toJsonTree(model).getAsJsonObject();
  }

  /**
   * Paths where {@code actual} lost or changed something {@code expected} says. Fields that only
   * {@code actual} has are fine when they are empty lists or maps: the client's V1 models start
   * with empty collections, and Kubernetes treats an empty list like a missing one.
   */
  public static List<String> differences(JsonElement expected, JsonElement actual) {
    List<String> found = new ArrayList<>();
    collectDifferences("", expected, actual, found);
    return found;
  }

  private static void collectDifferences(
      String path, JsonElement expected, JsonElement actual, List<String> found) {
    if (expected.isJsonObject() && actual != null && actual.isJsonObject()) {
      JsonObject want = expected.getAsJsonObject();
      JsonObject have = actual.getAsJsonObject();
      for (String key : want.keySet()) {
        collectDifferences(path + "." + key, want.get(key), have.get(key), found);
      }
      for (String key : have.keySet()) {
        if (!want.has(key) && !isEmptyCollection(have.get(key))) {
          found.add(path + "." + key + " appeared: " + have.get(key));
        }
      }
    } else if (expected.isJsonArray()
        && actual != null
        && actual.isJsonArray()
        && expected.getAsJsonArray().size() == actual.getAsJsonArray().size()) {
      for (int i = 0; i < expected.getAsJsonArray().size(); i++) {
        collectDifferences(
            path + "[" + i + "]",
            expected.getAsJsonArray().get(i),
            actual.getAsJsonArray().get(i),
            found);
      }
    } else if (!expected.equals(actual)) {
      found.add(path + ": expected " + expected + " but was " + actual);
    }
  }

  private static boolean isEmptyCollection(JsonElement element) {
    return (element.isJsonArray() && element.getAsJsonArray().isEmpty())
        || (element.isJsonObject() && element.getAsJsonObject().isEmpty());
  }
}
