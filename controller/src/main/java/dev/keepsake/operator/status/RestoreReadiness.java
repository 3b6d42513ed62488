package dev.keepsake.operator.status;

import dev.keepsake.api.AppBinding;
import dev.keepsake.api.Function;
import dev.keepsake.api.Repository;
import dev.keepsake.api.RestoreSession;
import dev.keepsake.api.Task;
import dev.keepsake.desired.OperatorSettings;
import dev.keepsake.desired.RestoreJobs;
import dev.keepsake.desired.SharedRepositories;
import java.util.Map;
import java.util.Optional;

/** Whether a RestoreSession can run: repository, usage policy, task, target, variables. */
public final class RestoreReadiness {
  private RestoreReadiness() {}

  public static Readiness assess(
      RestoreSession session,
      Repository repository,
      Map<String, String> namespaceLabels,
      Task task,
      Map<String, Function> functions,
      AppBinding appBinding,
      OperatorSettings settings) {
    var spec = session.getSpec();
    String namespace = session.getMetadata().getNamespace();
    String repositoryNamespace =
        spec.getRepository().getNamespace() == null
            ? namespace
            : spec.getRepository().getNamespace();
    return InputReadiness.repository(
            repository,
            repositoryNamespace + "/" + spec.getRepository().getName(),
            namespace,
            namespaceLabels)
        .or(() -> sourceAllowed(session, repository))
        .or(
            () ->
                InputReadiness.taskAndTarget(
                    task,
                    spec.getTask().getName(),
                    spec.getTarget().getRef(),
                    appBinding,
                    namespace))
        .or(
            () ->
                InputReadiness.resolving(
                    () ->
                        RestoreJobs.forSession(
                            new RestoreJobs.Inputs(
                                session, repository, appBinding, task, functions, settings))))
        .orElse(Readiness.ready("Ready", "the restore can run"));
  }

  /** From a Repository another namespace shares, a namespace restores only its own targets. */
  private static Optional<Readiness> sourceAllowed(RestoreSession session, Repository repository) {
    String namespace = session.getMetadata().getNamespace();
    String prefix = SharedRepositories.hostPrefix(namespace);
    String sourceHost =
        session.getSpec().getSource() == null ? null : session.getSpec().getSource().getHost();
    if (!SharedRepositories.shared(repository, namespace)
        || sourceHost == null
        || sourceHost.startsWith(prefix)) {
      return Optional.empty();
    }
    return Optional.of(
        Readiness.invalid(
            "SourceNotAllowed",
            "spec.source.host "
                + sourceHost
                + " is not a target of namespace "
                + namespace
                + ": from Repository "
                + repository.getMetadata().getNamespace()
                + "/"
                + repository.getMetadata().getName()
                + ", which another namespace shares, a namespace restores only its own targets' snapshots (hosts "
                + prefix
                + "...)"));
  }
}
