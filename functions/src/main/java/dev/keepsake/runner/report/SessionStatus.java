package dev.keepsake.runner.report;

import com.google.gson.JsonObject;
import dev.keepsake.api.Manifests;
import dev.keepsake.api.Resource;
import dev.keepsake.runner.Log;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CustomObjectsApi;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.PatchUtils;
import java.io.IOException;

/**
 * Writes the runner's results into its session's status (merge patch on the status subresource).
 * The operator owns the phase; the runner adds what only it knows: progress, snapshot, sizes,
 * message.
 */
public final class SessionStatus {
  private final ApiClient client;
  private final String namespace;
  private final String plural;
  private final String name;

  private SessionStatus(ApiClient client, String namespace, String plural, String name) {
    this.client = client;
    this.namespace = namespace;
    this.plural = plural;
    this.name = name;
  }

  /** A writer for the session, or a no-op when the runner runs without one. */
  public static SessionStatus forSession(String namespace, String plural, String name) {
    if (name == null || name.isBlank()) {
      return new SessionStatus(null, namespace, plural, name);
    }
    try {
      // KUBECONFIG, ~/.kube/config or the pod's service account, in that order.
      return new SessionStatus(ClientBuilder.standard().build(), namespace, plural, name);
    } catch (IOException e) {
      Log.warn(
          "cannot reach the Kubernetes API to report on %s/%s: %s", plural, name, e.getMessage());
      return new SessionStatus(null, namespace, plural, name);
    }
  }

  /**
   * Merges the fields set in {@code status} into the session's status; fields left unset stay as
   * they are.
   */
  public void patch(dev.keepsake.api.SessionStatus<?> status) {
    if (client == null) {
      return;
    }
    JsonObject body = new JsonObject();
    body.add("status", Log.redactor().redact(Manifests.toJson(status)));
    try {
      PatchUtils.patch(
          Object.class,
          () ->
              new CustomObjectsApi(client)
                  .patchNamespacedCustomObjectStatus(
                      Resource.GROUP,
                      Resource.VERSION,
                      namespace,
                      plural,
                      name,
                      new V1Patch(body.toString()))
                  .buildCall(null),
          V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
          client);
    } catch (ApiException e) {
      Log.warn(
          "could not write the status of %s %s/%s: %s %s",
          plural, namespace, name, e.getCode(), e.getResponseBody());
    }
  }
}
