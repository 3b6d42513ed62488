package dev.keepsake.operator.reconcile;

import dev.keepsake.api.ApiKind;
import dev.keepsake.api.BackupConfiguration;
import dev.keepsake.api.BackupSession;
import dev.keepsake.api.Manifests;
import dev.keepsake.api.Repository;
import dev.keepsake.api.RepositoryStatus;
import dev.keepsake.desired.Names;
import dev.keepsake.desired.OperatorSettings;
import dev.keepsake.desired.RepositoryJobs;
import dev.keepsake.operator.kube.Cluster;
import dev.keepsake.operator.kube.Writer;
import dev.keepsake.operator.status.Readiness;
import dev.keepsake.operator.status.Conditions;
import dev.keepsake.operator.status.RepositoryStatuses;
import dev.keepsake.operator.status.SessionPhases;
import dev.keepsake.operator.status.WipeOut;
import io.kubernetes.client.extended.controller.reconciler.Reconciler;
import io.kubernetes.client.extended.controller.reconciler.Request;
import io.kubernetes.client.extended.controller.reconciler.Result;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Job;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;

/**
 * Repository → its status, from its Secret's presence and the sessions that back up into it; and,
 * with wipeOut, the finalizer and the Job that deletes its data when the Repository is deleted.
 */
public final class RepositoryReconciler implements Reconciler {
  private final Cluster cluster;
  private final Writer writer;
  private final OperatorSettings settings;

  public RepositoryReconciler(Cluster cluster, Writer writer, OperatorSettings settings) {
    this.cluster = cluster;
    this.writer = writer;
    this.settings = settings;
  }

  @Override
  public Result reconcile(Request request) {
    Repository repository = Cluster.get(cluster.repositories, request.getNamespace(), request.getName());
    if (repository == null) {
      return Results.done();
    }
    try {
      String jobName = Names.wipeJob(repository.getMetadata().getName());
      V1Job wipeJob = Cluster.get(cluster.jobs, request.getNamespace(), jobName);
      WipeOut.Step step = WipeOut.next(repository, wipeJob);
      switch (step) {
        case ADD_FINALIZER -> {
          return writer.setFinalizer(ApiKind.REPOSITORY, repository, WipeOut.FINALIZER, true) ? Results.done() : Results.conflict();
        }
        case REMOVE_FINALIZER -> {
          if (repository.getMetadata().getDeletionTimestamp() != null && wipeJob != null) {
            writer.event(repository, false, "WipedOut", "Job " + jobName + " deleted the repository's data");
          }
          return writer.setFinalizer(ApiKind.REPOSITORY, repository, WipeOut.FINALIZER, false) ? Results.done() : Results.conflict();
        }
        case CREATE_JOB -> {
          writer.ensureJobIdentity(request.getNamespace(), settings.jobServiceAccount());
          writer.createJob(RepositoryJobs.wipe(repository, settings));
          writer.event(repository, false, "WipingOut", "created Job " + jobName + " to delete the repository's data");
        }
        default -> { }
      }
      boolean secretExists = writer.secretExists(request.getNamespace(), repository.getSpec().getSecret().getName());
      RepositoryStatus status = RepositoryStatuses.from(repository, secretExists, sessionsInto(repository), OffsetDateTime.now());
      if (step == WipeOut.Step.CREATE_JOB || step == WipeOut.Step.WAIT_FOR_JOB || step == WipeOut.Step.JOB_FAILED) {
        String failure = step == WipeOut.Step.JOB_FAILED ? failureOf(request.getNamespace(), jobName) : null;
        status = RepositoryStatuses.wipingOut(status, repository, step, jobName, failure, OffsetDateTime.now());
        if (step == WipeOut.Step.JOB_FAILED && !alreadySaid(repository, "WipeOutFailed")) {
          writer.event(repository, true, "WipeOutFailed", "Job " + jobName + " could not wipe the repository: " + failure);
        }
      }
      RepositoryStatus before = repository.getStatus() == null ? new RepositoryStatus() : repository.getStatus();
      if (!Manifests.toJson(status).equals(Manifests.toJson(before)) && !writer.writeStatus(ApiKind.REPOSITORY, repository, status)) {
        return Results.conflict();
      }
      return secretExists ? Results.done() : Results.after(Readiness.MISSING_INPUT_RECHECK);
    } catch (ApiException e) {
      return Results.failed("Repository " + request, e);
    }
  }

  private String failureOf(String namespace, String jobName) throws ApiException {
    SessionPhases.Termination termination = writer.termination(namespace, jobName);
    return termination == null ? "the Job failed without a message" : termination.message();
  }

  private static boolean alreadySaid(Repository repository, String reason) {
    return repository.getStatus() != null && Conditions.find(repository.getStatus().getConditions(), RepositoryStatuses.WIPED_OUT)
        .map(c -> reason.equals(c.getReason())).orElse(false);
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
