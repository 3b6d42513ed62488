package dev.keepsake.api;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CustomObjectsApi;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import java.util.List;
import okhttp3.Call;

/** Everything needed to talk to one keepsake.dev kind through the generic client and informers. */
public record ApiKind<T extends Resource<?, ?, T>, L extends ResourceList<T>>(
    String kind, String plural, Class<T> type, Class<L> listType) {

  public static final ApiKind<Repository, RepositoryList> REPOSITORY =
      new ApiKind<>(Repository.KIND, Repository.PLURAL, Repository.class, RepositoryList.class);
  public static final ApiKind<AppBinding, AppBindingList> APP_BINDING =
      new ApiKind<>(AppBinding.KIND, AppBinding.PLURAL, AppBinding.class, AppBindingList.class);
  public static final ApiKind<Function, FunctionList> FUNCTION =
      new ApiKind<>(Function.KIND, Function.PLURAL, Function.class, FunctionList.class);
  public static final ApiKind<Task, TaskList> TASK =
      new ApiKind<>(Task.KIND, Task.PLURAL, Task.class, TaskList.class);
  public static final ApiKind<BackupConfiguration, BackupConfigurationList> BACKUP_CONFIGURATION =
      new ApiKind<>(
          BackupConfiguration.KIND,
          BackupConfiguration.PLURAL,
          BackupConfiguration.class,
          BackupConfigurationList.class);
  public static final ApiKind<BackupSession, BackupSessionList> BACKUP_SESSION =
      new ApiKind<>(
          BackupSession.KIND, BackupSession.PLURAL, BackupSession.class, BackupSessionList.class);
  public static final ApiKind<RestoreSession, RestoreSessionList> RESTORE_SESSION =
      new ApiKind<>(
          RestoreSession.KIND,
          RestoreSession.PLURAL,
          RestoreSession.class,
          RestoreSessionList.class);

  public static final List<ApiKind<?, ?>> ALL =
      List.of(
          REPOSITORY,
          APP_BINDING,
          FUNCTION,
          TASK,
          BACKUP_CONFIGURATION,
          BACKUP_SESSION,
          RESTORE_SESSION);

  public static ApiKind<?, ?> byKind(String kind) {
    return ALL.stream()
        .filter(k -> k.kind().equals(kind))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("not a keepsake.dev kind: " + kind));
  }

  public String crdName() {
    return plural + "." + Resource.GROUP;
  }

  public GenericKubernetesApi<T, L> api(ApiClient client) {
    return new GenericKubernetesApi<>(
        type, listType, Resource.GROUP, Resource.VERSION, plural, client);
  }

  /**
   * Replaces the status subresource (PUT, with the object's resourceVersion for optimistic
   * locking). GenericKubernetesApi.updateStatus sends a PATCH with a content type the API server
   * refuses (415).
   */
  public T replaceStatus(ApiClient client, T object) throws ApiException {
    Call call =
        new CustomObjectsApi(client)
            .replaceNamespacedCustomObjectStatus(
                Resource.GROUP,
                Resource.VERSION,
                object.getMetadata().getNamespace(),
                plural,
                object.getMetadata().getName(),
                object)
            .buildCall(null);
    return client.<T>execute(call, type).getData();
  }
}
