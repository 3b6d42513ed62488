package dev.keepsake.operator.reconcile;

import dev.keepsake.api.AppBinding;
import dev.keepsake.api.Function;
import dev.keepsake.api.NamespacedRef;
import dev.keepsake.api.Repository;
import dev.keepsake.api.Target;
import dev.keepsake.api.Task;
import dev.keepsake.operator.kube.Cluster;
import dev.keepsake.operator.status.Readiness;
import dev.keepsake.resolve.BuiltIns;
import java.util.HashMap;
import java.util.Map;

/** Looks up, in the cache, what a configuration or session refers to. Null means not found. */
final class References {
  private final Cluster cluster;

  References(Cluster cluster) {
    this.cluster = cluster;
  }

  Repository repository(String namespace, NamespacedRef ref) {
    return cluster.repository(
        ref.getNamespace() == null ? namespace : ref.getNamespace(), ref.getName());
  }

  /** The namespace's own Task of that name, else the built-in one. */
  Task task(String namespace, String name) {
    Task own = cluster.task(namespace, name);
    return own != null ? own : BuiltIns.task(name).orElse(null);
  }

  /** Built-in Functions, overridden by the namespace's own of the same name. */
  Map<String, Function> functions(String namespace) {
    Map<String, Function> functions = new HashMap<>(BuiltIns.functions());
    cluster.functions(namespace).forEach(f -> functions.put(f.getMetadata().getName(), f));
    return functions;
  }

  AppBinding appBinding(String namespace, Target target) {
    return "AppBinding".equals(target.getRef().getKind())
        ? cluster.appBinding(namespace, target.getRef().getName())
        : null;
  }

  /**
   * A missing input that is really there but could not be decoded says so, instead of claiming it
   * does not exist.
   */
  Readiness explained(
      Readiness readiness, String namespace, NamespacedRef repository, String task, Target target) {
    if (readiness.ready() || readiness.reason() == null) {
      return readiness;
    }
    String repositoryNamespace =
        repository.getNamespace() == null ? namespace : repository.getNamespace();
    return switch (readiness.reason()) {
      case "RepositoryNotFound" ->
          !cluster.watches(repositoryNamespace)
              ? Readiness.missing(
                  "RepositoryNotWatched",
                  "Repository "
                      + repositoryNamespace
                      + "/"
                      + repository.getName()
                      + " is in a namespace this operator does not watch (it is installed for a list of namespaces)")
              : unreadable(readiness, "Repository", repositoryNamespace, repository.getName());
      case "TaskNotFound" -> unreadable(readiness, "Task", namespace, task);
      case "TargetNotFound" ->
          unreadable(readiness, "AppBinding", namespace, target.getRef().getName());
      default -> readiness;
    };
  }

  private Readiness unreadable(Readiness readiness, String kind, String namespace, String name) {
    return cluster.undecodable().contains(kind, namespace, name)
        ? Readiness.missing(
            kind + "Unreadable",
            kind
                + " "
                + namespace
                + "/"
                + name
                + " exists, but the operator cannot read it"
                + " (its Events say why): fix or recreate it")
        : readiness;
  }

  Map<String, String> namespaceLabels(String namespace) {
    return cluster.namespaceLabels(namespace);
  }
}
