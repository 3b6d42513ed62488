package dev.keepsake.operator.status;

import dev.keepsake.api.AppBinding;
import dev.keepsake.api.Function;
import dev.keepsake.api.Repository;
import dev.keepsake.api.RestoreSession;
import dev.keepsake.api.Task;
import dev.keepsake.desired.OperatorSettings;
import dev.keepsake.desired.RestoreJobs;
import dev.keepsake.resolve.ResolutionException;
import java.util.Map;

/** Whether a RestoreSession can run: repository, usage policy, task, target, variables. */
public final class RestoreReadiness {
  private RestoreReadiness() {}

  public static Readiness assess(RestoreSession session, Repository repository, Map<String, String> namespaceLabels, Task task,
      Map<String, Function> functions, AppBinding appBinding, OperatorSettings settings) {
    var spec = session.getSpec();
    String namespace = session.getMetadata().getNamespace();
    if (repository == null) {
      return Readiness.missing("RepositoryNotFound", "Repository " + spec.getRepository().getName() + " does not exist (yet)");
    }
    if (!UsagePolicies.admits(repository, namespace, namespaceLabels)) {
      return Readiness.missing("RepositoryNotAllowed", UsagePolicies.refusal(repository, namespace, namespaceLabels));
    }
    var unshareable = dev.keepsake.desired.SharedRepositories.unshareable(repository, namespace);
    if (unshareable.isPresent()) {
      return Readiness.invalid("RepositoryNotShareable", unshareable.get());
    }
    String prefix = dev.keepsake.desired.SharedRepositories.hostPrefix(namespace);
    String sourceHost = spec.getSource() == null ? null : spec.getSource().getHost();
    if (dev.keepsake.desired.SharedRepositories.shared(repository, namespace) && sourceHost != null && !sourceHost.startsWith(prefix)) {
      return Readiness.invalid("SourceNotAllowed", "spec.source.host " + sourceHost + " is not a target of namespace " + namespace
          + ": from Repository " + repository.getMetadata().getNamespace() + "/" + repository.getMetadata().getName()
          + ", which another namespace shares, a namespace restores only its own targets' snapshots (hosts " + prefix + "...)");
    }
    if (task == null) {
      return Readiness.missing("TaskNotFound", "Task " + spec.getTask().getName() + " does not exist in namespace " + namespace
          + " nor among the built-in Tasks");
    }
    if ("AppBinding".equals(spec.getTarget().getRef().getKind()) && appBinding == null) {
      return Readiness.missing("TargetNotFound", "AppBinding " + spec.getTarget().getRef().getName()
          + " does not exist in namespace " + namespace);
    }
    try {
      RestoreJobs.forSession(new RestoreJobs.Inputs(session, repository, appBinding, task, functions, settings));
    } catch (ResolutionException e) {
      return "FunctionNotFound".equals(e.reason()) ? Readiness.missing(e.reason(), e.getMessage())
          : Readiness.invalid(e.reason(), e.getMessage());
    }
    return Readiness.ready("Ready", "the restore can run");
  }
}
