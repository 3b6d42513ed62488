package dev.keepsake.desired;

import dev.keepsake.api.OperationRequest;
import dev.keepsake.api.Repository;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1Job;
import java.util.ArrayList;
import java.util.List;

/**
 * Jobs that work on a Repository itself rather than on a target: checks, lock removal, and the wipe
 * before it is deleted.
 */
public final class RepositoryJobs {
  public static final String WIPE_CONTAINER = "wipe";
  public static final String CHECK = "check";

  private RepositoryJobs() {}

  /**
   * restic check of the repository, with a read of part of its data when the Repository asks for
   * one. It is the template of a CronJob, whose Jobs Kubernetes makes: no word about other Jobs.
   */
  public static V1Job check(Repository repository, OperatorSettings settings) {
    String subset =
        repository.getSpec().getCheck() == null
            ? null
            : repository.getSpec().getCheck().getReadDataSubset();
    return job(
        Names.checkCronJob(repository.getMetadata().getName()),
        CHECK,
        checkCommand(subset),
        null,
        repository,
        settings,
        null);
  }

  /**
   * The Job of a one-off request (annotation keepsake.dev/request): a check, or the removal of
   * locks.
   */
  public static V1Job operation(
      Repository repository, OperationRequest request, OperatorSettings settings) {
    return operation(repository, request, settings, null);
  }

  /** The Job of a one-off request, its runner told about the other Jobs on the repository. */
  public static V1Job operation(
      Repository repository,
      OperationRequest request,
      OperatorSettings settings,
      RunnerPeers peers) {
    String name =
        Names.operationJob(
            request.getOperation(), repository.getMetadata().getName(), request.getId());
    List<String> command =
        OperationRequest.CHECK.equals(request.getOperation())
            ? checkCommand(request.getReadDataSubset())
            : Boolean.TRUE.equals(request.getRemoveAll())
                ? List.of("keepsake", "unlock", "--remove-all")
                : List.of("keepsake", "unlock");
    return job(name, request.getOperation(), command, request.getId(), repository, settings, peers);
  }

  private static List<String> checkCommand(String readDataSubset) {
    List<String> command = new ArrayList<>(List.of("keepsake", "check"));
    if (readDataSubset != null) {
      command.addAll(List.of("--read-data-subset", readDataSubset));
    }
    return command;
  }

  private static V1Job job(
      String jobName,
      String operation,
      List<String> command,
      String requestId,
      Repository repository,
      OperatorSettings settings,
      RunnerPeers peers) {
    java.util.Map<String, String> labels =
        Labels.of(Labels.REPOSITORY, repository.getMetadata().getName());
    labels.put(Labels.OPERATION, operation);
    if (requestId != null) {
      labels.put(Labels.REQUEST, requestId);
    }
    return SessionJob.build(
        new SessionJob.Parts(
            jobName,
            repository.getMetadata().getNamespace(),
            labels,
            SessionJob.ownedBy(repository),
            List.of(
                new V1Container()
                    .name(operation)
                    .image(settings.runnerImage())
                    .command(new ArrayList<>(command))),
            List.of(),
            repository,
            null,
            true,
            null,
            null,
            environment(repository, settings, peers),
            settings.jobServiceAccount(),
            settings));
  }

  private static List<V1EnvVar> environment(
      Repository repository, OperatorSettings settings, RunnerPeers peers) {
    List<V1EnvVar> runnerEnvironment =
        new ArrayList<>(
            List.of(
                SessionJob.env("KEEPSAKE_NAMESPACE", repository.getMetadata().getNamespace()),
                SessionJob.env("KEEPSAKE_REPOSITORY", SessionJob.repositoryJson(repository)),
                SessionJob.env("KEEPSAKE_REPOSITORY_NAME", repository.getMetadata().getName()),
                SessionJob.env("KEEPSAKE_SCRATCH_DIR", SessionJob.SCRATCH_PATH)));
    SessionJob.addOptionalEnvironment(runnerEnvironment, settings, null);
    if (peers != null) {
      runnerEnvironment.addAll(peers.environment());
    }
    return runnerEnvironment;
  }

  /** Deletes the repository's data; runs once, when a Repository with wipeOut is deleted. */
  public static V1Job wipe(Repository repository, OperatorSettings settings) {
    return wipe(repository, settings, null);
  }

  /** The wipe Job, its runner told about the other Jobs on the repository. */
  public static V1Job wipe(Repository repository, OperatorSettings settings, RunnerPeers peers) {
    String name = repository.getMetadata().getName();
    String namespace = repository.getMetadata().getNamespace();
    V1Container wipe =
        new V1Container()
            .name(WIPE_CONTAINER)
            .image(settings.runnerImage())
            .command(new ArrayList<>(List.of("keepsake", "wipe", "--confirm", name)));
    return SessionJob.build(
        new SessionJob.Parts(
            Names.wipeJob(name),
            namespace,
            Labels.of(Labels.REPOSITORY, name),
            SessionJob.ownedBy(repository),
            List.of(wipe),
            List.of(),
            repository,
            null,
            true,
            null,
            null,
            environment(repository, settings, peers),
            settings.jobServiceAccount(),
            settings));
  }
}
