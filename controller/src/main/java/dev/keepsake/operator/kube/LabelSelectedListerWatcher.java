package dev.keepsake.operator.kube;

import io.kubernetes.client.common.KubernetesListObject;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.informer.ListerWatcher;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.Watchable;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import io.kubernetes.client.util.generic.options.ListOptions;

/**
 * Lists and watches only the objects with a label, across namespaces, so the operator caches its
 * own Jobs and CronJobs and not every Job in the cluster. The generic lister-watcher has no
 * selector.
 */
final class LabelSelectedListerWatcher<T extends KubernetesObject, L extends KubernetesListObject>
    implements ListerWatcher<T, L> {
  private final GenericKubernetesApi<T, L> api;
  private final String labelSelector;
  private final String namespace; // null: every namespace

  LabelSelectedListerWatcher(
      GenericKubernetesApi<T, L> api, String labelSelector, String namespace) {
    this.api = api;
    this.namespace = namespace;
    this.labelSelector = labelSelector;
  }

  /** Page by page (see {@link Paging}): one answer with every Job at once would be large. */
  @Override
  @SuppressWarnings("unchecked")
  public L list(CallGeneratorParams params) throws ApiException {
    java.util.concurrent.atomic.AtomicReference<L> list =
        new java.util.concurrent.atomic.AtomicReference<>();
    Paging.readAll(
        params,
        options -> {
          options.setLabelSelector(labelSelector);
          return (namespace == null ? api.list(options) : api.list(namespace, options))
              .throwsApiException()
              .getObject();
        },
        L::getMetadata,
        page -> {
          if (!list.compareAndSet(null, page)) {
            ((java.util.List<T>) list.get().getItems()).addAll((java.util.List<T>) page.getItems());
          }
        });
    list.get().getMetadata().setContinue(null);
    return list.get();
  }

  @Override
  public Watchable<T> watch(CallGeneratorParams params) throws ApiException {
    return namespace == null ? api.watch(options(params)) : api.watch(namespace, options(params));
  }

  private ListOptions options(CallGeneratorParams params) {
    ListOptions options = new ListOptions();
    options.setLabelSelector(labelSelector);
    options.setResourceVersion(params.resourceVersion);
    options.setTimeoutSeconds(params.timeoutSeconds);
    return options;
  }
}
