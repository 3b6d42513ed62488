package dev.keepsake.operator.kube;

import com.google.gson.JsonObject;
import dev.keepsake.api.ApiKind;
import dev.keepsake.api.Manifests;
import dev.keepsake.api.Resource;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;

/**
 * Writes the statuses of Keepsake's objects: only when they changed, and only over the version that
 * was read.
 */
public final class StatusWriter {
  private final ApiClient client;

  StatusWriter(ApiClient client) {
    this.client = client;
  }

  /** What became of a status to write. */
  public enum Outcome {
    /** The object already had it: nothing was written. */
    UNCHANGED,
    WRITTEN,
    /**
     * Someone wrote in between: nothing was written, and the caller requeues instead of
     * overwriting.
     */
    CONFLICT
  }

  /** Writes {@code status} only when it differs from the object's. */
  public <S, T extends Resource<?, S, T>> Outcome writeIfChanged(
      ApiKind<T, ?> kind, T object, S status) throws ApiException {
    S before = object.getStatus();
    JsonObject written = before == null ? new JsonObject() : Manifests.toJson(before);
    if (Manifests.toJson(status).equals(written)) {
      return Outcome.UNCHANGED;
    }
    return write(kind, object, status) ? Outcome.WRITTEN : Outcome.CONFLICT;
  }

  /**
   * Replaces the status with the resourceVersion that was read; false on a conflict. The object is
   * the informer's: a copy carries the new status, so the cache never holds what the server has not
   * confirmed (watches compare the cached object with the next event).
   */
  public <S, T extends Resource<?, S, T>> boolean write(ApiKind<T, ?> kind, T object, S status)
      throws ApiException {
    @SuppressWarnings("unchecked")
    T copy = Manifests.toModel(Manifests.toJson(object), (Class<T>) object.getClass());
    try {
      kind.replaceStatus(client, copy.status(status));
      return true;
    } catch (ApiException e) {
      if (e.getCode() == 409) {
        return false;
      }
      throw e;
    }
  }
}
