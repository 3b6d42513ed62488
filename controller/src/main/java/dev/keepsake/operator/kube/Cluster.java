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
  public final SharedIndexInformer<V1Namespace> namespaces;

  public final UndecodableObjects undecodable;

  public Cluster(ApiClient watchClient, UndecodableObjects undecodable) {
    this.undecodable = undecodable;
    factory = new SharedInformerFactory(watchClient);
    repositories = informer(ApiKind.REPOSITORY, watchClient);
    appBindings = informer(ApiKind.APP_BINDING, watchClient);
    functions = informer(ApiKind.FUNCTION, watchClient);
    tasks = informer(ApiKind.TASK, watchClient);
    configurations = informer(ApiKind.BACKUP_CONFIGURATION, watchClient);
    backupSessions = informer(ApiKind.BACKUP_SESSION, watchClient);
    restoreSessions = informer(ApiKind.RESTORE_SESSION, watchClient);
    jobs = factory.sharedIndexInformerFor(new LabelSelectedListerWatcher<>(
        new GenericKubernetesApi<>(V1Job.class, V1JobList.class, "batch", "v1", "jobs", watchClient), Labels.SELECTOR),
        V1Job.class, 0);
    cronJobs = factory.sharedIndexInformerFor(new LabelSelectedListerWatcher<>(
        new GenericKubernetesApi<>(V1CronJob.class, V1CronJobList.class, "batch", "v1", "cronjobs", watchClient), Labels.SELECTOR),
        V1CronJob.class, 0);
    namespaces = factory.sharedIndexInformerFor(
        new GenericKubernetesApi<>(V1Namespace.class, V1NamespaceList.class, "", "v1", "namespaces", watchClient), V1Namespace.class, 0);
  }

  private <T extends dev.keepsake.api.Resource<?, ?, T>, L extends dev.keepsake.api.ResourceList<T>> SharedIndexInformer<T> informer(
      ApiKind<T, L> kind, ApiClient client) {
    return factory.sharedIndexInformerFor(new TolerantListerWatcher<>(kind, client, undecodable), kind.type(), 0);
  }

  public static <T extends io.kubernetes.client.common.KubernetesObject> T get(SharedIndexInformer<T> informer, String namespace, String name) {
    return name == null ? null : new Lister<>(informer.getIndexer()).namespace(namespace).get(name);
  }

  public static <T extends io.kubernetes.client.common.KubernetesObject> List<T> in(SharedIndexInformer<T> informer, String namespace) {
    return new Lister<>(informer.getIndexer()).namespace(namespace).list();
  }

  public List<SharedIndexInformer<?>> all() {
    return List.of(repositories, appBindings, functions, tasks, configurations, backupSessions, restoreSessions, jobs, cronJobs,
        namespaces);
  }

  public boolean synced() {
    return all().stream().allMatch(SharedIndexInformer::hasSynced);
  }
}
