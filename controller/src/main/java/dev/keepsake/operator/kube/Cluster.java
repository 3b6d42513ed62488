package dev.keepsake.operator.kube;

import dev.keepsake.api.ApiKind;
import dev.keepsake.api.AppBinding;
import dev.keepsake.api.BackupConfiguration;
import dev.keepsake.api.BackupSession;
import dev.keepsake.api.Function;
import dev.keepsake.api.Repository;
import dev.keepsake.api.Resource;
import dev.keepsake.api.ResourceList;
import dev.keepsake.api.RestoreSession;
import dev.keepsake.api.Task;
import dev.keepsake.desired.Labels;
import dev.keepsake.operator.status.RepositoryStatuses;
import io.kubernetes.client.common.KubernetesListObject;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.informer.ListerWatcher;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.informer.cache.Lister;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.models.V1Condition;
import io.kubernetes.client.openapi.models.V1CronJob;
import io.kubernetes.client.openapi.models.V1CronJobList;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1JobList;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1NamespaceList;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The operator's view of the cluster: one informer per kind it reads, behind typed queries. Lookups
 * by relation (the sessions of a configuration, the configurations writing into a repository) go
 * through indexes, never a scan. Jobs and CronJobs are only those labelled as the operator's own.
 */
public final class Cluster {
  private static final String BY_CONFIGURATION = "byConfiguration";
  private static final String BY_REPOSITORY = "byRepository";
  private static final String BY_APP_BINDING = "byAppBinding";
  private static final String BY_TASK = "byTask";
  private static final String BY_NAMESPACE = "byNamespace";
  private static final String BY_REPOSITORY_USE = "byRepositoryUse";

  private final SharedInformerFactory factory;
  private final Informed<Repository> repositories;
  private final Informed<AppBinding> appBindings;
  private final Informed<Function> functions;
  private final Informed<Task> tasks;
  private final Informed<BackupConfiguration> configurations;
  private final Informed<BackupSession> backupSessions;
  private final Informed<RestoreSession> restoreSessions;
  private final Informed<V1Job> jobs;
  private final Informed<V1CronJob> cronJobs;

  /** Null when only a list of namespaces is watched. */
  private final SharedIndexInformer<V1Namespace> namespaces;

  private final List<String> watched;
  private final UndecodableObjects undecodable;
  private final WatchHealth health = new WatchHealth();

  /** An informer and its lister, made once. */
  private record Informed<T extends KubernetesObject>(
      SharedIndexInformer<T> informer, Lister<T> lister) {
    Informed(SharedIndexInformer<T> informer) {
      this(informer, new Lister<>(informer.getIndexer()));
    }

    T get(String namespace, String name) {
      return name == null || namespace == null ? null : lister.namespace(namespace).get(name);
    }

    List<T> indexed(String index, String key) {
      return informer.getIndexer().byIndex(index, key);
    }
  }

  /** The whole cluster. */
  public Cluster(ApiClient watchClient, UndecodableObjects undecodable) {
    this(watchClient, undecodable, List.of());
  }

  /**
   * @param watched the namespaces to watch, each with Roles of its own; empty: every namespace.
   *     With a list, namespaces themselves are not read (that needs a ClusterRole), so a usage
   *     policy's namespace selector sees no labels.
   */
  public Cluster(ApiClient watchClient, UndecodableObjects undecodable, List<String> watched) {
    this.undecodable = undecodable;
    this.watched = List.copyOf(watched);
    factory = new SharedInformerFactory(watchClient);
    repositories = new Informed<>(informer(ApiKind.REPOSITORY, watchClient));
    appBindings = new Informed<>(informer(ApiKind.APP_BINDING, watchClient));
    functions = new Informed<>(informer(ApiKind.FUNCTION, watchClient));
    tasks = new Informed<>(informer(ApiKind.TASK, watchClient));
    configurations = new Informed<>(informer(ApiKind.BACKUP_CONFIGURATION, watchClient));
    backupSessions = new Informed<>(informer(ApiKind.BACKUP_SESSION, watchClient));
    restoreSessions = new Informed<>(informer(ApiKind.RESTORE_SESSION, watchClient));
    jobs =
        new Informed<>(
            factory.sharedIndexInformerFor(
                inWatched(
                    "jobs",
                    namespace ->
                        new LabelSelectedListerWatcher<>(
                            new GenericKubernetesApi<>(
                                V1Job.class, V1JobList.class, "batch", "v1", "jobs", watchClient),
                            Labels.SELECTOR,
                            namespace)),
                V1Job.class,
                0));
    cronJobs =
        new Informed<>(
            factory.sharedIndexInformerFor(
                inWatched(
                    "cronjobs",
                    namespace ->
                        new LabelSelectedListerWatcher<>(
                            new GenericKubernetesApi<>(
                                V1CronJob.class,
                                V1CronJobList.class,
                                "batch",
                                "v1",
                                "cronjobs",
                                watchClient),
                            Labels.SELECTOR,
                            namespace)),
                V1CronJob.class,
                0));
    namespaces =
        this.watched.isEmpty()
            ? factory.sharedIndexInformerFor(
                new GenericKubernetesApi<>(
                    V1Namespace.class, V1NamespaceList.class, "", "v1", "namespaces", watchClient),
                V1Namespace.class,
                0)
            : null;
    jobs.informer().addIndexers(Map.of(BY_REPOSITORY_USE, Cluster::repositoryUseKeys));
    backupSessions
        .informer()
        .addIndexers(
            Map.of(
                BY_CONFIGURATION,
                session ->
                    List.of(
                        key(
                            session.getMetadata().getNamespace(),
                            session.getSpec() == null || session.getSpec().getInvoker() == null
                                ? null
                                : session.getSpec().getInvoker().getName()))));
    configurations
        .informer()
        .addIndexers(
            Map.of(
                BY_REPOSITORY, configuration -> List.of(repositoryKey(configuration)),
                BY_APP_BINDING, configuration -> List.of(appBindingKey(configuration)),
                BY_TASK,
                    configuration ->
                        List.of(
                            key(
                                configuration.getMetadata().getNamespace(),
                                configuration.getSpec() == null
                                        || configuration.getSpec().getTask() == null
                                    ? null
                                    : configuration.getSpec().getTask().getName())),
                BY_NAMESPACE,
                    configuration -> List.of(configuration.getMetadata().getNamespace())));
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }

  private static String repositoryKey(BackupConfiguration configuration) {
    var ref = configuration.getSpec() == null ? null : configuration.getSpec().getRepository();
    return ref == null
        ? ""
        : key(
            Objects.requireNonNullElse(
                ref.getNamespace(), configuration.getMetadata().getNamespace()),
            ref.getName());
  }

  private static List<String> repositoryUseKeys(V1Job job) {
    Map<String, String> labels = job.getMetadata().getLabels();
    return labels == null
            || labels.get(Labels.USES_REPOSITORY) == null
            || labels.get(Labels.USES_REPOSITORY_NAMESPACE) == null
        ? List.of()
        : List.of(
            key(labels.get(Labels.USES_REPOSITORY_NAMESPACE), labels.get(Labels.USES_REPOSITORY)));
  }

  private static String appBindingKey(BackupConfiguration configuration) {
    var target = configuration.getSpec() == null ? null : configuration.getSpec().getTarget();
    return target == null
            || target.getRef() == null
            || !AppBinding.KIND.equals(target.getRef().getKind())
        ? ""
        : key(configuration.getMetadata().getNamespace(), target.getRef().getName());
  }

  private <T extends Resource<?, ?, T>, L extends ResourceList<T>> SharedIndexInformer<T> informer(
      ApiKind<T, L> kind, ApiClient client) {
    return factory.sharedIndexInformerFor(
        inWatched(
            kind.plural(),
            namespace -> new TolerantListerWatcher<>(kind, client, undecodable, namespace)),
        kind.type(),
        0);
  }

  private <T extends KubernetesObject, L extends KubernetesListObject>
      ListerWatcher<T, L> inWatched(
          String what, java.util.function.Function<String, ListerWatcher<T, L>> forNamespace) {
    return health.tracked(
        what,
        watched.isEmpty()
            ? forNamespace.apply(null)
            : new NamespacesListerWatcher<>(watched, forNamespace));
  }

  /** What the controllers are built on. */
  public SharedInformerFactory factory() {
    return factory;
  }

  public UndecodableObjects undecodable() {
    return undecodable;
  }

  public Repository repository(String namespace, String name) {
    return repositories.get(namespace, name);
  }

  public AppBinding appBinding(String namespace, String name) {
    return appBindings.get(namespace, name);
  }

  public Task task(String namespace, String name) {
    return tasks.get(namespace, name);
  }

  public List<Function> functions(String namespace) {
    return functions.lister().namespace(namespace).list();
  }

  public BackupConfiguration configuration(String namespace, String name) {
    return configurations.get(namespace, name);
  }

  public List<BackupConfiguration> configurations() {
    return configurations.lister().list();
  }

  public List<BackupConfiguration> configurationsIn(String namespace) {
    return configurations.indexed(BY_NAMESPACE, namespace);
  }

  /** The configurations that back up into this Repository, from any namespace. */
  public List<BackupConfiguration> configurationsInto(
      String repositoryNamespace, String repositoryName) {
    return configurations.indexed(BY_REPOSITORY, key(repositoryNamespace, repositoryName));
  }

  public BackupSession backupSession(String namespace, String name) {
    return backupSessions.get(namespace, name);
  }

  /** The sessions the configuration of this name made or was given. */
  public List<BackupSession> sessionsOf(String namespace, String configuration) {
    return backupSessions.indexed(BY_CONFIGURATION, key(namespace, configuration));
  }

  public RestoreSession restoreSession(String namespace, String name) {
    return restoreSessions.get(namespace, name);
  }

  public V1Job job(String namespace, String name) {
    return jobs.get(namespace, name);
  }

  /** The operator's Jobs in a namespace that carry this label value. */
  public List<V1Job> jobsLabelled(String namespace, String label, String value) {
    return jobs.lister().namespace(namespace).list().stream()
        .filter(
            job ->
                job.getMetadata().getLabels() != null
                    && value.equals(job.getMetadata().getLabels().get(label)))
        .toList();
  }

  /** The operator's Jobs, in any namespace, whose runners open this Repository. */
  public List<V1Job> jobsUsing(Repository repository) {
    return jobs.indexed(
        BY_REPOSITORY_USE,
        key(
            repository.getMetadata().getNamespace(),
            Labels.value(repository.getMetadata().getName())));
  }

  public V1CronJob cronJob(String namespace, String name) {
    return cronJobs.get(namespace, name);
  }

  /**
   * Calls {@code changed} with the configurations that use a Repository, AppBinding, Task or
   * Function when its spec changes, it appears or it goes: their readiness may follow.
   */
  public void whenConfigurationInputsChange(Consumer<BackupConfiguration> changed) {
    onSpecChange(
        repositories.informer(),
        r ->
            configurationsInto(r.getMetadata().getNamespace(), r.getMetadata().getName())
                .forEach(changed));
    repositories
        .informer()
        .addEventHandler(
            new ResourceEventHandler<>() {
              @Override
              public void onAdd(Repository repository) {}

              @Override
              public void onUpdate(Repository before, Repository after) {
                if (!Objects.equals(secretMissing(before), secretMissing(after))) {
                  configurationsInto(
                          after.getMetadata().getNamespace(), after.getMetadata().getName())
                      .forEach(changed);
                }
              }

              @Override
              public void onDelete(Repository repository, boolean finalStateUnknown) {}
            });
    onSpecChange(
        appBindings.informer(),
        a ->
            configurations
                .indexed(
                    BY_APP_BINDING, key(a.getMetadata().getNamespace(), a.getMetadata().getName()))
                .forEach(changed));
    onSpecChange(
        tasks.informer(),
        t ->
            configurations
                .indexed(BY_TASK, key(t.getMetadata().getNamespace(), t.getMetadata().getName()))
                .forEach(changed));
    onSpecChange(
        functions.informer(),
        f -> configurationsIn(f.getMetadata().getNamespace()).forEach(changed));
  }

  /**
   * What a Repository says of its missing Secret, or null: its configurations' readiness follows it
   * (see ConfigurationReadiness), while its other status writes change nothing they read.
   */
  private static String secretMissing(Repository repository) {
    return RepositoryStatuses.secretMissing(repository).map(V1Condition::getMessage).orElse(null);
  }

  private static <T extends KubernetesObject> void onSpecChange(
      SharedIndexInformer<T> informer, Consumer<T> changed) {
    informer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(T object) {
            changed.accept(object);
          }

          @Override
          public void onUpdate(T before, T after) {
            // Status writes (a Repository's after every backup) change nothing a configuration
            // reads.
            if (!Objects.equals(
                before.getMetadata().getGeneration(), after.getMetadata().getGeneration())) {
              changed.accept(after);
            }
          }

          @Override
          public void onDelete(T object, boolean finalStateUnknown) {
            changed.accept(object);
          }
        });
  }

  /**
   * Whether objects of this namespace are seen (every one is, when the whole cluster is watched).
   */
  public boolean watches(String namespace) {
    return watched.isEmpty() || watched.contains(namespace);
  }

  /** The uid of a namespace, or null when namespaces are not read or it is not there. */
  public String namespaceUid(String namespace) {
    if (namespaces == null) {
      return null;
    }
    V1Namespace found = namespaces.getIndexer().getByKey(namespace);
    return found == null ? null : found.getMetadata().getUid();
  }

  /**
   * The labels of a namespace, or null when namespaces are not read (only a list of them is
   * watched).
   */
  public Map<String, String> namespaceLabels(String namespace) {
    if (namespaces == null) {
      return null;
    }
    V1Namespace found = namespaces.getIndexer().getByKey(namespace);
    return found == null || found.getMetadata().getLabels() == null
        ? Map.of()
        : found.getMetadata().getLabels();
  }

  private List<SharedIndexInformer<?>> all() {
    List<SharedIndexInformer<?>> all =
        new ArrayList<>(
            List.of(
                repositories.informer(),
                appBindings.informer(),
                functions.informer(),
                tasks.informer(),
                configurations.informer(),
                backupSessions.informer(),
                restoreSessions.informer(),
                jobs.informer(),
                cronJobs.informer()));
    if (namespaces != null) {
      all.add(namespaces);
    }
    return all;
  }

  /** Whether every informer has listed once and none of their list or watch calls fails now. */
  public boolean ready() {
    return synced() && health.watching();
  }

  /** Why the operator is not ready, in a line. */
  public String notReadyBecause() {
    return !synced() ? "informers not synced" : health.failures();
  }

  public boolean synced() {
    return all().stream().allMatch(SharedIndexInformer::hasSynced);
  }
}
