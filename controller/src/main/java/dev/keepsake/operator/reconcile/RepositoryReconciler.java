package dev.keepsake.operator.reconcile;

import dev.keepsake.api.ApiKind;
import dev.keepsake.api.BackupConfiguration;
import dev.keepsake.api.BackupSession;
import dev.keepsake.api.Manifests;
import dev.keepsake.api.Repository;
import dev.keepsake.api.RepositoryStatus;
import dev.keepsake.operator.kube.Cluster;
import dev.keepsake.operator.kube.Writer;
import dev.keepsake.operator.status.Readiness;
import dev.keepsake.operator.status.RepositoryStatuses;
import io.kubernetes.client.extended.controller.reconciler.Reconciler;
import io.kubernetes.client.extended.controller.reconciler.Request;
import io.kubernetes.client.extended.controller.reconciler.Result;
import io.kubernetes.client.openapi.ApiException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;

/** Repository → its status, from its Secret's presence and the sessions that back up into it. */
public final class RepositoryReconciler implements Reconciler {
  private final Cluster cluster;
  private final Writer writer;

  public RepositoryReconciler(Cluster cluster, Writer writer) {
    this.cluster = cluster;
    this.writer = writer;
  }

  @Override
  public Result reconcile(Request request) {
    Repository repository = Cluster.get(cluster.repositories, request.getNamespace(), request.getName());
    if (repository == null) {
      return Results.done();
    }
    try {
      boolean secretExists = writer.secretExists(request.getNamespace(), repository.getSpec().getSecret().getName());
      RepositoryStatus status = RepositoryStatuses.from(repository, secretExists, sessionsInto(repository), OffsetDateTime.now());
      RepositoryStatus before = repository.getStatus() == null ? new RepositoryStatus() : repository.getStatus();
      if (!Manifests.toJson(status).equals(Manifests.toJson(before)) && !writer.writeStatus(ApiKind.REPOSITORY, repository.status(status))) {
        return Results.conflict();
      }
      return secretExists ? Results.done() : Results.after(Readiness.MISSING_INPUT_RECHECK);
    } catch (ApiException e) {
      return Results.failed("Repository " + request, e);
    }
  }

  private List<BackupSession> sessionsInto(Repository repository) {
    String namespace = repository.getMetadata().getNamespace();
    String name = repository.getMetadata().getName();
    return cluster.configurations.getIndexer().list().stream()
        .filter(c -> name.equals(c.getSpec().getRepository().getName()))
        .filter(c -> namespace.equals(Objects.requireNonNullElse(c.getSpec().getRepository().getNamespace(), c.getMetadata().getNamespace())))
        .flatMap(c -> sessionsOf(c).stream())
        .toList();
  }

  private List<BackupSession> sessionsOf(BackupConfiguration configuration) {
    return Cluster.in(cluster.backupSessions, configuration.getMetadata().getNamespace()).stream()
        .filter(s -> configuration.getMetadata().getName().equals(s.getSpec().getInvoker().getName()))
        .toList();
  }
}
