package dev.keepsake.desired;

import dev.keepsake.api.LocalBackend;
import dev.keepsake.api.Repository;
import java.util.Optional;

/**
 * A Repository used from another namespace. Its Secret stays in its own namespace; the operator
 * keeps a copy of only the restic keys in the consumer's namespace, which the consumer's Jobs read.
 * Keepsake lets such Jobs touch only the consumer namespace's own targets' snapshots (hosts {@code
 * <namespace>/...}); the credentials themselves open the whole repository.
 */
public final class SharedRepositories {
  /** Set on a shared repository's runners: snapshots of hosts outside this prefix are refused. */
  public static final String HOST_PREFIX_ENV = "KEEPSAKE_ALLOWED_HOST_PREFIX";

  public static final String SOURCE_NAMESPACE_LABEL = "keepsake.dev/repository-namespace";

  private SharedRepositories() {}

  public static boolean shared(Repository repository, String sessionNamespace) {
    return repository.getMetadata().getNamespace() != null
        && !repository.getMetadata().getNamespace().equals(sessionNamespace);
  }

  /**
   * The copy of a shared Repository's Secret in each consumer namespace. Dots part the names:
   * neither a namespace nor a Repository name has one, so two Repositories never share a copy.
   */
  public static String copyName(Repository repository) {
    return copyName(repository.getMetadata().getNamespace(), repository.getMetadata().getName());
  }

  /** The names of the operator's copies begin so; no Function may name one. */
  public static final String COPY_PREFIX = "keepsake-repository.";

  public static String copyName(String repositoryNamespace, String repositoryName) {
    return COPY_PREFIX + repositoryNamespace + "." + repositoryName;
  }

  /** The Secret a session's Job reads the repository's credentials from. */
  public static String jobSecret(Repository repository, String sessionNamespace) {
    return shared(repository, sessionNamespace)
        ? copyName(repository)
        : repository.getSpec().getSecret().getName();
  }

  public static String hostPrefix(String sessionNamespace) {
    return sessionNamespace + "/";
  }

  /** Why the Repository cannot serve a session in {@code sessionNamespace}, if it cannot. */
  public static Optional<String> unshareable(Repository repository, String sessionNamespace) {
    LocalBackend local =
        repository.getSpec().getBackend() == null
            ? null
            : repository.getSpec().getBackend().getLocal();
    if (!shared(repository, sessionNamespace)
        || local == null
        || local.getPersistentVolumeClaim() == null) {
      return Optional.empty();
    }
    return Optional.of(
        "Repository "
            + repository.getMetadata().getNamespace()
            + "/"
            + repository.getMetadata().getName()
            + " keeps its data on PersistentVolumeClaim "
            + local.getPersistentVolumeClaim().getClaimName()
            + " (spec.backend.local),"
            + " which pods in namespace "
            + sessionNamespace
            + " cannot mount; share a Repository on object storage, a REST server,"
            + " NFS or a hostPath, or make one in namespace "
            + sessionNamespace);
  }
}
