package dev.keepsake.operator.app;

import dev.keepsake.api.AppBinding;
import dev.keepsake.api.BackupConfiguration;
import dev.keepsake.api.Function;
import dev.keepsake.api.Repository;
import dev.keepsake.api.Task;
import dev.keepsake.operator.kube.Cluster;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.extended.controller.reconciler.Request;
import io.kubernetes.client.extended.workqueue.WorkQueue;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import java.util.Objects;
import java.util.function.BiPredicate;

/**
 * A configuration's readiness depends on its Repository, AppBinding, Task and Functions: when one of
 * them changes in its spec, the configurations that use it are looked at again, so a refusal whose
 * cause lies in another object clears as soon as that object is fixed.
 */
final class ConfigurationInputs {
  private ConfigurationInputs() {}

  static void follow(Cluster cluster, WorkQueue<Request> configurations) {
    on(cluster.repositories, configurations, cluster, (c, r) -> r.getMetadata().getName().equals(c.getSpec().getRepository().getName())
        && r.getMetadata().getNamespace().equals(Objects.requireNonNullElse(c.getSpec().getRepository().getNamespace(),
            c.getMetadata().getNamespace())));
    on(cluster.appBindings, configurations, cluster, (c, a) -> sameNamespace(c, a) && c.getSpec().getTarget() != null
        && "AppBinding".equals(c.getSpec().getTarget().getRef().getKind())
        && a.getMetadata().getName().equals(c.getSpec().getTarget().getRef().getName()));
    on(cluster.tasks, configurations, cluster, (BackupConfiguration c, Task t) -> sameNamespace(c, t)
        && t.getMetadata().getName().equals(c.getSpec().getTask().getName()));
    on(cluster.functions, configurations, cluster, (BackupConfiguration c, Function f) -> sameNamespace(c, f));
  }

  private static boolean sameNamespace(BackupConfiguration configuration, KubernetesObject input) {
    return configuration.getMetadata().getNamespace().equals(input.getMetadata().getNamespace());
  }

  private static <T extends KubernetesObject> void on(SharedIndexInformer<T> inputs, WorkQueue<Request> queue, Cluster cluster,
      BiPredicate<BackupConfiguration, T> uses) {
    inputs.addEventHandler(new ResourceEventHandler<>() {
      @Override
      public void onAdd(T input) {
        enqueueUsers(input);
      }

      @Override
      public void onUpdate(T before, T after) {
        // Status writes (a Repository's after every backup) change nothing a configuration reads.
        if (!Objects.equals(before.getMetadata().getGeneration(), after.getMetadata().getGeneration())) {
          enqueueUsers(after);
        }
      }

      @Override
      public void onDelete(T input, boolean finalStateUnknown) {
        enqueueUsers(input);
      }

      private void enqueueUsers(T input) {
        cluster.configurations.getIndexer().list().stream().filter(c -> uses.test(c, input))
            .forEach(c -> queue.add(new Request(c.getMetadata().getNamespace(), c.getMetadata().getName())));
      }
    });
  }
}
