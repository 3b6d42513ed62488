package dev.keepsake.operator.kube;

import com.google.gson.JsonObject;
import dev.keepsake.api.ApiKind;
import dev.keepsake.api.Manifests;
import dev.keepsake.api.Resource;
import dev.keepsake.api.ResourceList;
import io.kubernetes.client.informer.ListerWatcher;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.Watch;
import io.kubernetes.client.util.Watchable;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesApi;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesListObject;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesObject;
import io.kubernetes.client.util.generic.options.ListOptions;
import java.io.IOException;
import java.util.Iterator;
import java.util.Optional;

/**
 * Lists and watches one keepsake.dev kind as raw JSON and decodes each object on its own. The
 * client's own lister-watcher decodes a whole list at once, so one object it cannot read (stored
 * before the schema refused it, say) stops it from ever syncing, and every other object of the kind
 * goes unseen. Here such an object is handed to {@link UndecodableObjects} and kept out of the
 * cache; an object that turns unreadable leaves the cache as if it were deleted.
 */
final class TolerantListerWatcher<T extends Resource<?, ?, T>, L extends ResourceList<T>>
    implements ListerWatcher<T, L> {
  private final ApiKind<T, L> kind;
  private final GenericKubernetesApi<DynamicKubernetesObject, DynamicKubernetesListObject> raw;
  private final UndecodableObjects undecodable;
  private final String namespace; // null: every namespace

  TolerantListerWatcher(
      ApiKind<T, L> kind, ApiClient client, UndecodableObjects undecodable, String namespace) {
    this.kind = kind;
    this.namespace = namespace;
    // DynamicKubernetesApi, not a GenericKubernetesApi of dynamic objects: only its constructor
    // teaches
    // the client's (static) Gson to read dynamic lists, whose metadata is otherwise left null.
    this.raw = new DynamicKubernetesApi(Resource.GROUP, Resource.VERSION, kind.plural(), client);
    this.undecodable = undecodable;
  }

  /**
   * Page by page: a list of 10,000 configurations read in one piece is held as raw JSON and decoded
   * objects at once, more than a 256 MiB heap has room for.
   */
  @Override
  public L list(CallGeneratorParams params) throws ApiException {
    java.util.concurrent.atomic.AtomicReference<L> list =
        new java.util.concurrent.atomic.AtomicReference<>();
    Paging.readAll(
        params,
        options ->
            (namespace == null ? raw.list(options) : raw.list(namespace, options))
                .throwsApiException()
                .getObject(),
        DynamicKubernetesListObject::getMetadata,
        page -> {
          if (list.get() == null) {
            list.set(emptyList(page.getMetadata()._continue(null)));
          }
          for (DynamicKubernetesObject item : page.getItems()) {
            decode(item).ifPresent(list.get().getItems()::add);
          }
        });
    return list.get();
  }

  private L emptyList(io.kubernetes.client.openapi.models.V1ListMeta metadata) {
    JsonObject empty = new JsonObject();
    empty.addProperty("apiVersion", Resource.API_VERSION);
    empty.addProperty("kind", kind.kind() + "List");
    empty.add("metadata", Manifests.toJson(metadata));
    empty.add("items", new com.google.gson.JsonArray());
    return Manifests.toModel(empty, kind.listType());
  }

  @Override
  public Watchable<T> watch(CallGeneratorParams params) throws ApiException {
    Watchable<DynamicKubernetesObject> events =
        namespace == null ? raw.watch(options(params)) : raw.watch(namespace, options(params));
    return new Watchable<>() {
      @Override
      public boolean hasNext() {
        return events.hasNext();
      }

      @Override
      public Watch.Response<T> next() {
        Watch.Response<DynamicKubernetesObject> event = events.next();
        if (event.object == null) {
          return new Watch.Response<>(event.type, event.status);
        }
        Optional<T> decoded = decode(event.object);
        return decoded
            .map(object -> new Watch.Response<>(event.type, object))
            .orElseGet(() -> new Watch.Response<>("DELETED", stub(event.object)));
      }

      @Override
      public Iterator<Watch.Response<T>> iterator() {
        return this;
      }

      @Override
      public void close() throws IOException {
        events.close();
      }
    };
  }

  private Optional<T> decode(DynamicKubernetesObject object) {
    try {
      T decoded = Manifests.toModel(object.getRaw(), kind.type());
      undecodable.readable(kind, object.getMetadata());
      return Optional.of(decoded);
    } catch (RuntimeException e) {
      undecodable.found(kind, object.getMetadata(), e);
      return Optional.empty();
    }
  }

  /** Only the object's identity, so the cache can let go of it; reconcilers never see a stub. */
  private T stub(DynamicKubernetesObject object) {
    JsonObject identity = new JsonObject();
    identity.addProperty("apiVersion", Resource.API_VERSION);
    identity.addProperty("kind", kind.kind());
    identity.add("metadata", Manifests.toJson(object.getMetadata()));
    return Manifests.toModel(identity, kind.type());
  }

  private static ListOptions options(CallGeneratorParams params) {
    ListOptions options = new ListOptions();
    options.setResourceVersion(params.resourceVersion);
    options.setTimeoutSeconds(params.timeoutSeconds);
    return options;
  }
}
