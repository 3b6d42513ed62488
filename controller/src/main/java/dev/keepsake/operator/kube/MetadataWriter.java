package dev.keepsake.operator.kube;

import com.google.gson.JsonObject;
import dev.keepsake.api.ApiKind;
import dev.keepsake.api.Resource;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1OwnerReference;
import io.kubernetes.client.util.generic.KubernetesApiResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * Finalizers, owner references and deletes of Keepsake's objects, each guarded by the version that
 * was read.
 */
public final class MetadataWriter {
  private final ApiClient client;

  MetadataWriter(ApiClient client) {
    this.client = client;
  }

  /**
   * Adds or removes one finalizer, so no one else's finalizer list is overwritten. False on a
   * conflict: read again.
   */
  public <T extends Resource<?, ?, T>> boolean setFinalizer(
      ApiKind<T, ?> kind, T object, String finalizer, boolean present) throws ApiException {
    List<String> finalizers =
        new ArrayList<>(
            object.getMetadata().getFinalizers() == null
                ? List.of()
                : object.getMetadata().getFinalizers());
    finalizers.remove(finalizer);
    if (present) {
      finalizers.add(finalizer);
    }
    JsonObject metadata = new JsonObject();
    metadata.add("finalizers", client.getJSON().getGson().toJsonTree(finalizers));
    return patch(kind, object, metadata);
  }

  /**
   * Adds a (non-controller) owner reference and returns the object as written, so the caller can go
   * on with it rather than wait for the update to come round; null on a conflict (read again) or
   * when the object is gone.
   */
  public <T extends Resource<?, ?, T>> T withOwner(
      ApiKind<T, ?> kind, T object, Resource<?, ?, ?> owner) throws ApiException {
    List<V1OwnerReference> owners =
        new ArrayList<>(
            object.getMetadata().getOwnerReferences() == null
                ? List.of()
                : object.getMetadata().getOwnerReferences());
    owners.add(
        new V1OwnerReference()
            .apiVersion(owner.getApiVersion())
            .kind(owner.getKind())
            .name(owner.getMetadata().getName())
            .uid(owner.getMetadata().getUid()));
    JsonObject metadata = new JsonObject();
    metadata.add("ownerReferences", client.getJSON().getGson().toJsonTree(owners));
    var response = send(kind, object, metadata);
    if (response.getHttpStatusCode() == 409 || response.getHttpStatusCode() == 404) {
      return null;
    }
    response.throwsApiException();
    return response.getObject();
  }

  public <T extends Resource<?, ?, T>> void delete(
      ApiKind<T, ?> kind, String namespace, String name) {
    kind.api(client).delete(namespace, name);
  }

  /**
   * A merge patch of metadata that only applies to the version that was read; false on a conflict
   * or if it is gone.
   */
  private <T extends Resource<?, ?, T>> boolean patch(
      ApiKind<T, ?> kind, T object, JsonObject metadata) throws ApiException {
    var response = send(kind, object, metadata);
    if (response.getHttpStatusCode() == 409 || response.getHttpStatusCode() == 404) {
      return response.getHttpStatusCode() == 404;
    }
    response.throwsApiException();
    return true;
  }

  private <T extends Resource<?, ?, T>> KubernetesApiResponse<T> send(
      ApiKind<T, ?> kind, T object, JsonObject metadata) {
    metadata.addProperty("resourceVersion", object.getMetadata().getResourceVersion());
    JsonObject patch = new JsonObject();
    patch.add("metadata", metadata);
    return kind.api(client)
        .patch(
            object.getMetadata().getNamespace(),
            object.getMetadata().getName(),
            V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
            new V1Patch(patch.toString()));
  }
}
