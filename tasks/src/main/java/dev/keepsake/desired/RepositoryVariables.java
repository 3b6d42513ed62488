package dev.keepsake.desired;

import dev.keepsake.api.Repository;
import dev.keepsake.resolve.Variables;
import dev.keepsake.restic.ResticRepository;

/**
 * The ${REPOSITORY_*} variables: which repository, where, and which Secret opens it (its name
 * only).
 */
final class RepositoryVariables {
  private RepositoryVariables() {}

  static void add(Variables.Builder variables, Repository repository) {
    variables
        .set("REPOSITORY_NAME", repository.getMetadata().getName())
        .set("REPOSITORY_NAMESPACE", repository.getMetadata().getNamespace())
        .set("REPOSITORY_URL", ResticRepository.of(repository.getSpec()).displayLocation())
        .set("REPOSITORY_SECRET", repository.getSpec().getSecret().getName());
  }
}
