package dev.keepsake.operator.kube;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.keepsake.api.ApiKind;
import dev.keepsake.api.Manifests;
import dev.keepsake.api.Resource;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CustomObjectsApi;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.util.PatchUtils;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Objects the operator cannot decode, reported on the object itself: a log line naming it, a
 * warning Event, and where the kind has a status a condition with reason {@code Undecodable} and
 * the decoder's words (a session also fails). Each generation is reported once, since the status
 * write itself brings the object back through the watch.
 */
public final class UndecodableObjects {
  public static final String REASON = "Undecodable";
  private static final Logger LOG = Logger.getLogger(UndecodableObjects.class.getName());
  private static final Set<String> WITHOUT_STATUS = Set.of("AppBinding", "Function", "Task");
  private final ApiClient client;
  private final KubeWrites writes;
  private final Map<String, Long> reported = new ConcurrentHashMap<>();

  /**
   * @param acting false while this process does not lead: the leader reports, and a follower that
   *     takes over reports what it reads from then on
   */
  public UndecodableObjects(
      ApiClient client, KubeWrites writes, java.util.function.BooleanSupplier acting) {
    this.client = client;
    this.writes = writes;
    this.acting = acting;
  }

  private final java.util.function.BooleanSupplier acting;

  /**
   * Whether this object exists but could not be read, for messages that would otherwise call it
   * missing.
   */
  public boolean contains(String kind, String namespace, String name) {
    return reported.containsKey(key(kind, namespace, name));
  }

  void readable(ApiKind<?, ?> kind, V1ObjectMeta metadata) {
    if (metadata != null) {
      String key = key(kind.kind(), metadata.getNamespace(), metadata.getName());
      reported.remove(key);
      pending.remove(key);
    }
  }

  /** Found while this process did not lead, to be reported once it does. */
  private record Pending(ApiKind<?, ?> kind, V1ObjectMeta metadata, RuntimeException error) {}

  private final Map<String, Pending> pending = new ConcurrentHashMap<>();

  /**
   * Reports what was found while this process followed: a watch drops an object it cannot read from
   * the cache, so nothing would read it again. The leader before may have reported it too.
   */
  public void reportPending() {
    pending.forEach(
        (key, found) -> {
          if (pending.remove(key, found)) {
            found(found.kind(), found.metadata(), found.error());
          }
        });
  }

  void found(ApiKind<?, ?> kind, V1ObjectMeta metadata, RuntimeException error) {
    if (metadata == null || metadata.getName() == null) {
      LOG.warning("a " + kind.kind() + " without a name cannot be read: " + error.getMessage());
      return;
    }
    if (!acting.getAsBoolean()) {
      // Known, so that messages do not call it missing; reported once this process leads.
      String key = key(kind.kind(), metadata.getNamespace(), metadata.getName());
      reported.putIfAbsent(key, -1L);
      pending.put(key, new Pending(kind, metadata, error));
      return;
    }
    long generation = metadata.getGeneration() == null ? 0 : metadata.getGeneration();
    Long before =
        reported.put(key(kind.kind(), metadata.getNamespace(), metadata.getName()), generation);
    if (Objects.equals(before, generation)) {
      return;
    }
    String message =
        kind.kind()
            + " "
            + metadata.getNamespace()
            + "/"
            + metadata.getName()
            + " cannot be read by the operator: "
            + cause(error)
            + ". Fix or recreate it; the other "
            + kind.plural()
            + " are reconciled as usual";
    LOG.warning(message);
    JsonObject identity = new JsonObject();
    identity.addProperty("apiVersion", Resource.API_VERSION);
    identity.addProperty("kind", kind.kind());
    identity.add("metadata", Manifests.toJson(metadata));
    writes
        .events()
        .record(
            (Resource<?, ?, ?>) Manifests.toModel(identity, kind.type()), true, REASON, message);
    if (!WITHOUT_STATUS.contains(kind.kind())) {
      writeStatus(kind, metadata, generation, message);
    }
  }

  /** The decoder's message without its Java class names: what is wrong, and where in the object. */
  static String cause(RuntimeException error) {
    Throwable deepest = error;
    while (deepest.getCause() != null && deepest.getCause() != deepest) {
      deepest = deepest.getCause();
    }
    String where =
        error.getMessage() != null && error.getMessage().contains(" path $.")
            ? " at " + error.getMessage().substring(error.getMessage().indexOf(" path $.") + 8)
            : "";
    String what =
        deepest.getMessage() == null ? deepest.getClass().getSimpleName() : deepest.getMessage();
    what = what.replaceAll("java\\.lang\\.[A-Za-z]+: ", "");
    return (what.contains(" path $.")
            ? what.replace(" at path $.", " at ").replace(" path $.", " at ")
            : what + where)
        .trim();
  }

  /**
   * Replaces the status through the status subresource with a JSON patch: the object itself cannot
   * be modelled.
   */
  private void writeStatus(
      ApiKind<?, ?> kind, V1ObjectMeta metadata, long generation, String message) {
    boolean session = kind.kind().endsWith("Session");
    String now = OffsetDateTime.now().withNano(0).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    JsonObject condition = new JsonObject();
    condition.addProperty("type", session ? "Completed" : "Ready");
    condition.addProperty("status", "False");
    condition.addProperty("reason", REASON);
    condition.addProperty("message", message);
    condition.addProperty("observedGeneration", generation);
    condition.addProperty("lastTransitionTime", now);
    JsonArray conditions = new JsonArray();
    conditions.add(condition);
    JsonObject status = new JsonObject();
    status.addProperty("observedGeneration", generation);
    status.add("conditions", conditions);
    if (session) {
      status.addProperty("phase", "Failed");
      status.addProperty("reason", REASON);
      status.addProperty("message", message);
    }
    JsonObject replace = new JsonObject();
    replace.addProperty("op", "add");
    replace.addProperty("path", "/status");
    replace.add("value", status);
    JsonArray patch = new JsonArray();
    patch.add(replace);
    try {
      CustomObjectsApi api = new CustomObjectsApi(client);
      PatchUtils.patch(
          Object.class,
          () ->
              api.patchNamespacedCustomObjectStatus(
                      Resource.GROUP,
                      Resource.VERSION,
                      metadata.getNamespace(),
                      kind.plural(),
                      metadata.getName(),
                      new V1Patch(patch.toString()))
                  .buildCall(null),
          V1Patch.PATCH_FORMAT_JSON_PATCH,
          client);
    } catch (ApiException e) {
      LOG.warning(
          "could not write the status of "
              + kind.kind()
              + " "
              + metadata.getNamespace()
              + "/"
              + metadata.getName()
              + ": "
              + e.getCode()
              + " "
              + e.getResponseBody());
    }
  }

  private static String key(String kind, String namespace, String name) {
    return kind + "/" + namespace + "/" + name;
  }
}
