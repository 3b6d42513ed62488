package dev.keepsake.operator.kube;

import dev.keepsake.api.ApiKind;
import dev.keepsake.api.AppBinding;
import dev.keepsake.api.BackupConfiguration;
import dev.keepsake.api.BackupSession;
import dev.keepsake.api.Function;
import dev.keepsake.api.Repository;
import dev.keepsake.api.RestoreSession;
import dev.keepsake.api.Task;
import dev.keepsake.desired.Labels;
import io.kubernetes.client.informer.ListerWatcher;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.informer.cache.Lister;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.models.V1CronJob;
import io.kubernetes.client.openapi.models.V1CronJobList;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1JobList;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1NamespaceList;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import java.util.List;

/**
 * The operator's view of the cluster: one informer per kind it reads, each with a lister. Jobs and
 * CronJobs are only those labelled as the operator's own.
 */
public final class Cluster {
  public final SharedInformerFactory factory;
  public final SharedIndexInformer<Repository> repositories;
  public final SharedIndexInformer<AppBinding> appBindings;
  public final SharedIndexInformer<Function> functions;
  public final SharedIndexInformer<Task> tasks;
  public final SharedIndexInformer<BackupConfiguration> configurations;
  public final SharedIndexInformer<BackupSession> backupSessions;
  public final SharedIndexInformer<RestoreSession> restoreSessions;
  public final SharedIndexInformer<V1Job> jobs;
  public final SharedIndexInformer<V1CronJob> cronJobs;
  /** Null when only a list of namespaces is watched. */
  private final SharedIndexInformer<V1Namespace> namespaces;
  private final List<String> watched;

  public final UndecodableObjects undecodable;

  /** The whole cluster. */
  public Cluster(ApiClient watchClient, UndecodableObjects undecodable) {
    this(watchClient, undecodable, List.of());
  }

  /**
   * @param watched the namespaces to watch, each with Roles of its own; empty: every namespace. With
   *     a list, namespaces themselves are not read (that needs a ClusterRole), so a usage policy's
   *     namespace selector sees no labels.
   */
  public Cluster(ApiClient watchClient, UndecodableObjects undecodable, List<String> watched) {
    this.undecodable = undecodable;
    this.watched = List.copyOf(watched);
    factory = new SharedInformerFactory(watchClient);
    repositories = informer(ApiKind.REPOSITORY, watchClient);
    appBindings = informer(ApiKind.APP_BINDING, watchClient);
    functions = informer(ApiKind.FUNCTION, watchClient);
    tasks = informer(ApiKind.TASK, watchClient);
    configurations = informer(ApiKind.BACKUP_CONFIGURATION, watchClient);
    backupSessions = informer(ApiKind.BACKUP_SESSION, watchClient);
    restoreSessions = informer(ApiKind.RESTORE_SESSION, watchClient);
    jobs = factory.sharedIndexInformerFor(inWatched(namespace -> new LabelSelectedListerWatcher<>(
        new GenericKubernetesApi<>(V1Job.class, V1JobList.class, "batch", "v1", "jobs", watchClient), Labels.SELECTOR, namespace)),
        V1Job.class, 0);
    cronJobs = factory.sharedIndexInformerFor(inWatched(namespace -> new LabelSelectedListerWatcher<>(
        new GenericKubernetesApi<>(V1CronJob.class, V1CronJobList.class, "batch", "v1", "cronjobs", watchClient), Labels.SELECTOR,
        namespace)), V1CronJob.class, 0);
    namespaces = this.watched.isEmpty()
        ? factory.sharedIndexInformerFor(
            new GenericKubernetesApi<>(V1Namespace.class, V1NamespaceList.class, "", "v1", "namespaces", watchClient), V1Namespace.class, 0)
        : null;
  }

  private <T extends dev.keepsake.api.Resource<?, ?, T>, L extends dev.keepsake.api.ResourceList<T>> SharedIndexInformer<T> informer(
      ApiKind<T, L> kind, ApiClient client) {
    return factory.sharedIndexInformerFor(inWatched(namespace -> new TolerantListerWatcher<>(kind, client, undecodable, namespace)),
        kind.type(), 0);
  }

  private <T extends io.kubernetes.client.common.KubernetesObject, L extends io.kubernetes.client.common.KubernetesListObject>
      ListerWatcher<T, L> inWatched(java.util.function.Function<String, ListerWatcher<T, L>> forNamespace) {
    return watched.isEmpty() ? forNamespace.apply(null) : new NamespacesListerWatcher<>(watched, forNamespace);
  }

  /** Whether objects of this namespace are seen (every one is, when the whole cluster is watched). */
  public boolean watches(String namespace) {
    return watched.isEmpty() || watched.contains(namespace);
  }

  /** The labels of a namespace, or null when namespaces are not read (only a list of them is watched). */
  public java.util.Map<String, String> namespaceLabels(String namespace) {
    if (namespaces == null) {
      return null;
    }
    V1Namespace found = namespaces.getIndexer().getByKey(namespace);
    return found == null || found.getMetadata().getLabels() == null ? java.util.Map.of() : found.getMetadata().getLabels();
  }

  public static <T extends io.kubernetes.client.common.KubernetesObject> T get(SharedIndexInformer<T> informer, String namespace, String name) {
    return name == null ? null : new Lister<>(informer.getIndexer()).namespace(namespace).get(name);
  }

  public static <T extends io.kubernetes.client.common.KubernetesObject> List<T> in(SharedIndexInformer<T> informer, String namespace) {
    return new Lister<>(informer.getIndexer()).namespace(namespace).list();
  }

  public List<SharedIndexInformer<?>> all() {
    List<SharedIndexInformer<?>> all = new java.util.ArrayList<>(List.of(repositories, appBindings, functions, tasks, configurations,
        backupSessions, restoreSessions, jobs, cronJobs));
    if (namespaces != null) {
      all.add(namespaces);
    }
    return all;
  }

  public boolean synced() {
    return all().stream().allMatch(SharedIndexInformer::hasSynced);
  }
}
