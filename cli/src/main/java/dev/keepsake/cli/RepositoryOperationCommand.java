package dev.keepsake.cli;

import com.google.gson.JsonObject;
import dev.keepsake.api.ApiKind;
import dev.keepsake.api.Manifests;
import dev.keepsake.api.OperationRequest;
import dev.keepsake.api.Repository;
import dev.keepsake.api.RepositoryOperation;
import dev.keepsake.api.SessionPhase;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * A one-off operation on a Repository (check, unlock): asked for in its annotation
 * keepsake.dev/request, run by the operator as a Job with the Repository's credentials, and
 * followed in status.lastOperation.
 */
abstract class RepositoryOperationCommand extends KeepsakeCommand {
  @Parameters(paramLabel = "REPOSITORY", description = "The Repository.")
  String repository;

  @Mixin Following following;

  /** The message of the last look at the request, for {@link #afterwards}. */
  private String lastMessage;

  /** What to ask for, without its id. */
  abstract OperationRequest request();

  /** Asks the user before a request that can do harm; nothing by default. */
  void confirmBefore() {}

  /** Said after a request that succeeded, when there is more the user should know. */
  Optional<String> afterwards(String message) {
    return Optional.empty();
  }

  @Override
  public Integer call() {
    OperationRequest request = request().id(Stamps.shortNow());
    String asked = Manifests.gson().toJson(request);
    try {
      OperationRequest.of(Map.of(OperationRequest.ANNOTATION, asked));
    } catch (OperationRequest.Invalid invalid) {
      throw CliException.usage(
          invalid
              .getMessage()
              .replace("annotation " + OperationRequest.ANNOTATION + ": ", "")
              .replace("readDataSubset", "--read-data-subset"));
    }
    Repository found = kube().get(ApiKind.REPOSITORY, namespace(), repository);
    refuseWhileBusy(found);
    confirmBefore();
    // The resourceVersion makes the write fail if another request got in since the look above.
    JsonObject annotations = new JsonObject();
    annotations.addProperty(OperationRequest.ANNOTATION, asked);
    JsonObject metadata = new JsonObject();
    metadata.add("annotations", annotations);
    metadata.addProperty("resourceVersion", found.getMetadata().getResourceVersion());
    JsonObject patch = new JsonObject();
    patch.add("metadata", metadata);
    kube().mergePatch(ApiKind.REPOSITORY, namespace(), repository, patch.toString());
    out()
        .println(
            request.getOperation()
                + " "
                + request.getId()
                + " asked of repository "
                + repository
                + " in namespace "
                + namespace());
    out().flush();
    int exit =
        follow(
            following,
            request.getOperation() + " " + request.getId(),
            () -> lookAt(request.getId()),
            "kubectl get events "
                + clusterFlags()
                + " --field-selector involvedObject.kind=Repository,involvedObject.name="
                + repository);
    if (exit == 0 && !following.noWait) {
      afterwards(lastMessage)
          .ifPresent(
              note -> {
                out().println(note);
                out().flush();
              });
    }
    return exit;
  }

  /** One request at a time: another that waits for the operator or runs is not overwritten. */
  private void refuseWhileBusy(Repository found) {
    if (found.getMetadata().getDeletionTimestamp() != null) {
      throw new CliException(
          "repository " + repository + " in namespace " + namespace() + " is being deleted");
    }
    RepositoryOperation last =
        found.getStatus() == null ? null : found.getStatus().getLastOperation();
    if (last != null && last.getPhase() == SessionPhase.Running) {
      throw new CliException(
          last.getOperation()
              + " "
              + last.getId()
              + " still runs on repository "
              + repository
              + " (Job "
              + last.getJobName()
              + "); wait for it to end");
    }
    Optional<OperationRequest> pending;
    try {
      pending = OperationRequest.of(found.getMetadata().getAnnotations());
    } catch (OperationRequest.Invalid unreadable) {
      return;
    }
    if (pending.isPresent() && (last == null || !pending.get().getId().equals(last.getId()))) {
      throw new CliException(
          pending.get().getOperation()
              + " "
              + pending.get().getId()
              + " waits for the operator on repository "
              + repository
              + "; wait for it, or see whether the operator runs (kubectl get pods -A -l app.kubernetes.io/name=keepsake)");
    }
  }

  private Follower.Seen lookAt(String id) {
    Repository now = kube().get(ApiKind.REPOSITORY, namespace(), repository);
    RepositoryOperation operation =
        now.getStatus() == null ? null : now.getStatus().getLastOperation();
    if (operation != null && id.equals(operation.getId())) {
      lastMessage = operation.getMessage();
      return new Follower.Seen(
          operation.getPhase(), operation.getReason(), operation.getMessage(), null);
    }
    Optional<OperationRequest> asked;
    try {
      asked = OperationRequest.of(now.getMetadata().getAnnotations());
    } catch (OperationRequest.Invalid unreadable) {
      asked = Optional.empty();
    }
    if (asked.isEmpty() || !id.equals(asked.get().getId())) {
      return new Follower.Seen(
          SessionPhase.Failed,
          "Superseded",
          "the Repository's request was replaced before the operator ran it"
              + asked.map(other -> ", by " + other.getOperation() + " " + other.getId()).orElse(""),
          null);
    }
    if (now.getMetadata().getDeletionTimestamp() != null) {
      return new Follower.Seen(
          SessionPhase.Failed, "RepositoryDeleted", "the Repository is being deleted", null);
    }
    return new Follower.Seen(null, null, null, null);
  }
}
