package dev.keepsake.operator.status;

import dev.keepsake.api.AppBinding;
import dev.keepsake.api.Repository;
import dev.keepsake.api.TargetRef;
import dev.keepsake.api.Task;
import dev.keepsake.desired.SharedRepositories;
import dev.keepsake.resolve.ResolutionException;
import java.util.Map;
import java.util.Optional;

/**
 * The checks a backup's and a restore's inputs share before their Job can be made: the Repository
 * and who may use it, the Task, the target, and the Task resolving into a Job. Each returns what is
 * missing or wrong, or nothing when all is well.
 */
final class InputReadiness {
  private InputReadiness() {}

  /**
   * @param shownName the Repository as the message names it
   */
  static Optional<Readiness> repository(
      Repository repository,
      String shownName,
      String namespace,
      Map<String, String> namespaceLabels) {
    if (repository == null) {
      return Optional.of(
          Readiness.missing(
              "RepositoryNotFound", "Repository " + shownName + " does not exist (yet)"));
    }
    if (!UsagePolicies.admits(repository, namespace, namespaceLabels)) {
      return Optional.of(
          Readiness.missing(
              "RepositoryNotAllowed",
              UsagePolicies.refusal(repository, namespace, namespaceLabels)));
    }
    return SharedRepositories.unshareable(repository, namespace)
        .map(why -> Readiness.invalid("RepositoryNotShareable", why));
  }

  static Optional<Readiness> taskAndTarget(
      Task task, String taskName, TargetRef target, AppBinding appBinding, String namespace) {
    if (task == null) {
      return Optional.of(
          Readiness.missing(
              "TaskNotFound",
              "Task "
                  + taskName
                  + " does not exist in namespace "
                  + namespace
                  + " nor among the built-in Tasks"));
    }
    if (AppBinding.KIND.equals(target.getKind()) && appBinding == null) {
      return Optional.of(
          Readiness.missing(
              "TargetNotFound",
              "AppBinding " + target.getName() + " does not exist in namespace " + namespace));
    }
    return Optional.empty();
  }

  /**
   * Builds the Job to see that the Task resolves: a Function still to come is missing, anything
   * else wrong.
   */
  static Optional<Readiness> resolving(Runnable buildJob) {
    try {
      buildJob.run();
      return Optional.empty();
    } catch (ResolutionException e) {
      return Optional.of(
          "FunctionNotFound".equals(e.reason())
              ? Readiness.missing(e.reason(), e.getMessage())
              : Readiness.invalid(e.reason(), e.getMessage()));
    }
  }
}
