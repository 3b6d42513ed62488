package dev.keepsake.operator.kube;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.kubernetes.client.common.KubernetesListObject;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1CronJob;
import io.kubernetes.client.openapi.models.V1CronJobList;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import io.kubernetes.client.util.generic.KubernetesApiResponse;
import io.kubernetes.client.util.generic.options.CreateOptions;
import io.kubernetes.client.util.generic.options.PatchOptions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/** Server-side apply of the objects the operator owns for a long time, with its field manager. */
public final class ServerSideApply {
  public static final String FIELD_MANAGER = "keepsake-operator";
  static final String DESIRED_HASH = "keepsake.dev/desired-hash";
  private final ApiClient client;
  private final GenericKubernetesApi<V1CronJob, V1CronJobList> cronJobs;

  ServerSideApply(ApiClient client) {
    this.client = client;
    this.cronJobs =
        new GenericKubernetesApi<>(
            V1CronJob.class, V1CronJobList.class, "batch", "v1", "cronjobs", client);
  }

  /**
   * Makes a CronJob we own what we want, only when its desired content changed. The server fills in
   * defaults, so what exists never equals what we want; a hash of what we want, kept in an
   * annotation, tells whether it changed.
   */
  public void cronJob(V1CronJob desired, V1CronJob existing) throws ApiException {
    String hash = hash(client.getJSON().serialize(desired));
    String applied =
        existing == null || existing.getMetadata().getAnnotations() == null
            ? null
            : existing.getMetadata().getAnnotations().get(DESIRED_HASH);
    if (hash.equals(applied)) {
      return;
    }
    desired.getMetadata().putAnnotationsItem(DESIRED_HASH, hash);
    if (existing == null) {
      // A create costs the API server less than an apply: 10,000 configurations made at once
      // are 10,000 CronJobs (test/bench/scale.sh).
      CreateOptions options = new CreateOptions();
      options.setFieldManager(FIELD_MANAGER);
      var created = cronJobs.create(desired, options);
      if (created.getHttpStatusCode() != 409) {
        orThrow(created);
        return;
      }
    }
    replace(cronJobs, desired, existing);
  }

  /**
   * Makes an object the operator owns what it decides of it: its spec and owners replaced whole,
   * and its own labels and annotations set beside anyone else's. A field the desired spec leaves
   * out goes, whoever set it (after a create, an apply would leave the fields the create set); a
   * JSON patch needs no resourceVersion.
   *
   * @param existing what the cache holds, or null when the create found it there first
   */
  private <T extends KubernetesObject, L extends KubernetesListObject> void replace(
      GenericKubernetesApi<T, L> api, T desired, T existing) throws ApiException {
    JsonObject json =
        withoutEmptyLists(client.getJSON().getGson().toJsonTree(desired)).getAsJsonObject();
    JsonObject metadata = json.getAsJsonObject("metadata");
    JsonArray operations = new JsonArray();
    addOperation(operations, "/spec", json.get("spec"));
    addOperation(operations, "/metadata/ownerReferences", metadata.get("ownerReferences"));
    setEntries(
        operations,
        "/metadata/labels",
        metadata.get("labels"),
        existing == null ? null : existing.getMetadata().getLabels());
    setEntries(
        operations,
        "/metadata/annotations",
        metadata.get("annotations"),
        existing == null ? null : existing.getMetadata().getAnnotations());
    PatchOptions options = new PatchOptions();
    options.setFieldManager(FIELD_MANAGER);
    orThrow(
        api.patch(
            desired.getMetadata().getNamespace(),
            desired.getMetadata().getName(),
            V1Patch.PATCH_FORMAT_JSON_PATCH,
            new V1Patch(operations.toString()),
            options));
  }

  /**
   * Sets each wanted entry of a map and leaves the others; the whole map where there is none yet
   * (or where what is there is not known).
   */
  private static void setEntries(
      JsonArray operations, String path, JsonElement wanted, Map<String, String> current) {
    if (wanted == null || !wanted.isJsonObject()) {
      return;
    }
    if (current == null) {
      addOperation(operations, path, wanted);
      return;
    }
    wanted
        .getAsJsonObject()
        .entrySet()
        .forEach(
            entry ->
                addOperation(
                    operations,
                    path + "/" + entry.getKey().replace("~", "~0").replace("/", "~1"),
                    entry.getValue()));
  }

  /** An "add", which replaces the member where it exists. */
  private static void addOperation(JsonArray operations, String path, JsonElement value) {
    if (value == null || value.isJsonNull()) {
      return;
    }
    JsonObject operation = new JsonObject();
    operation.addProperty("op", "add");
    operation.addProperty("path", path);
    operation.add("value", value);
    operations.add(operation);
  }

  public void deleteCronJob(String namespace, String name) throws ApiException {
    var response = cronJobs.delete(namespace, name);
    if (!response.isSuccess() && response.getHttpStatusCode() != 404) {
      orThrow(response);
    }
  }

  /** Applies {@code object} as it is, forcing the fields our field manager owns. */
  <T extends KubernetesObject, L extends KubernetesListObject> void apply(
      GenericKubernetesApi<T, L> api, T object) throws ApiException {
    PatchOptions options = new PatchOptions();
    options.setFieldManager(FIELD_MANAGER);
    options.setForce(true);
    orThrow(
        api.patch(
            object.getMetadata().getNamespace(),
            object.getMetadata().getName(),
            V1Patch.PATCH_FORMAT_APPLY_YAML,
            new V1Patch(
                withoutEmptyLists(client.getJSON().getGson().toJsonTree(object)).toString()),
            options));
  }

  /**
   * Creates an object that is made once and never changed, or applies it when it exists already (a
   * retry whose first answer was lost). A create costs the API server less than an apply: each
   * session's identity is three such objects on the way to its Job.
   */
  <T extends KubernetesObject, L extends KubernetesListObject> void createOrApply(
      GenericKubernetesApi<T, L> api, T object) throws ApiException {
    CreateOptions options = new CreateOptions();
    options.setFieldManager(FIELD_MANAGER);
    var response = api.create(object, options);
    if (response.getHttpStatusCode() == 409) {
      apply(api, object);
      return;
    }
    orThrow(response);
  }

  /**
   * Like throwsApiException, but keeps the server's Status as the body, so a refusal can be quoted
   * word for word.
   */
  private void orThrow(KubernetesApiResponse<?> response) throws ApiException {
    if (!response.isSuccess()) {
      throw new ApiException(
          response.getHttpStatusCode(),
          null,
          response.getStatus() == null ? null : client.getJSON().serialize(response.getStatus()));
    }
  }

  /**
   * The client's models write every list, empty ones too, including fields newer than the API
   * server (restartPolicyRules of Kubernetes 1.34); server-side apply refuses fields it does not
   * know, and an empty list says nothing anyway.
   */
  static JsonElement withoutEmptyLists(JsonElement element) {
    if (element.isJsonObject()) {
      JsonObject object = new JsonObject();
      element
          .getAsJsonObject()
          .entrySet()
          .forEach(
              entry -> {
                JsonElement value = entry.getValue();
                if (!(value.isJsonArray() && value.getAsJsonArray().isEmpty())) {
                  object.add(entry.getKey(), withoutEmptyLists(value));
                }
              });
      return object;
    }
    if (element.isJsonArray()) {
      JsonArray array = new JsonArray();
      element.getAsJsonArray().forEach(item -> array.add(withoutEmptyLists(item)));
      return array;
    }
    return element;
  }

  private static String hash(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
