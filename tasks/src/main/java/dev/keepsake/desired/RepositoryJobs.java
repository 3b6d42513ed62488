package dev.keepsake.desired;

import dev.keepsake.api.Repository;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1Job;
import java.util.ArrayList;
import java.util.List;

/** Jobs that work on a Repository itself rather than on a target: wiping it out before it is deleted. */
public final class RepositoryJobs {
  public static final String WIPE_CONTAINER = "wipe";

  private RepositoryJobs() {}

  /** Deletes the repository's data; runs once, when a Repository with wipeOut is deleted. */
  public static V1Job wipe(Repository repository, OperatorSettings settings) {
    String name = repository.getMetadata().getName();
    String namespace = repository.getMetadata().getNamespace();
    List<V1EnvVar> runnerEnvironment = new ArrayList<>(List.of(
        SessionJob.env("KEEPSAKE_NAMESPACE", namespace),
        SessionJob.env("KEEPSAKE_REPOSITORY", SessionJob.repositoryJson(repository)),
        SessionJob.env("KEEPSAKE_REPOSITORY_NAME", name),
        SessionJob.env("KEEPSAKE_SCRATCH_DIR", SessionJob.SCRATCH_PATH)));
    SessionJob.addOptionalEnvironment(runnerEnvironment, settings, null);
    V1Container wipe = new V1Container()
        .name(WIPE_CONTAINER)
        .image(settings.runnerImage())
        .command(new ArrayList<>(List.of("keepsake", "wipe", "--confirm", name)));
    return SessionJob.build(new SessionJob.Parts(
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
        runnerEnvironment,
        settings));
  }
}
