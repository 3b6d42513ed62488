package dev.keepsake.testing;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.CoreV1Event;
import java.util.List;

/** The Events on one object, as `kubectl describe` lists them. */
final class ObjectEvents {
  private ObjectEvents() {}

  static List<CoreV1Event> of(ApiClient client, String namespace, String name) throws ApiException {
    return new CoreV1Api(client)
        .listNamespacedEvent(namespace)
        .fieldSelector("involvedObject.name=" + name)
        .execute()
        .getItems();
  }

  static List<String> reasons(ApiClient client, String namespace, String name) throws ApiException {
    return of(client, namespace, name).stream().map(CoreV1Event::getReason).toList();
  }
}
