package dev.keepsake.cli;

import dev.keepsake.api.ApiKind;
import dev.keepsake.api.Manifests;
import dev.keepsake.api.OperationRequest;
import dev.keepsake.api.Repository;
import dev.keepsake.api.RepositoryOperation;
import com.google.gson.JsonObject;
import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * A one-off operation on a Repository (check, unlock): asked for in its annotation keepsake.dev/request,
 * run by the operator as a Job with the Repository's credentials, and followed in status.lastOperation.
 */
abstract class RepositoryOperationCommand extends KeepsakeCommand {
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("MMddHHmmss");
  private static final SecureRandom RANDOM = new SecureRandom();

  @Parameters(paramLabel = "REPOSITORY", description = "The Repository.")
  String repository;

  @Option(names = "--no-wait", description = "Ask for it and return without following it.")
  boolean noWait;

  @Option(names = "--timeout", paramLabel = "DURATION", description = "Stop following after this long (e.g. 30m); the Job goes on.")
  String timeout;

  /** What to ask for; the id is filled in here. */
  abstract OperationRequest request();

  @Override
  public Integer call() {
    Repository found = kube().get(ApiKind.REPOSITORY, namespace(), repository);
    RepositoryOperation last = found.getStatus() == null ? null : found.getStatus().getLastOperation();
    if (last != null && last.getPhase() == dev.keepsake.api.SessionPhase.Running) {
      throw new CliException(last.getOperation() + " " + last.getId() + " still runs on repository " + repository + " (Job "
          + last.getJobName() + "); wait for it, or delete that Job");
    }
    OperationRequest request = request().id(newId());
    String asked = Manifests.gson().toJson(request);
    try {
      OperationRequest.of(java.util.Map.of(OperationRequest.ANNOTATION, asked));
    } catch (OperationRequest.Invalid invalid) {
      throw CliException.usage(invalid.getMessage().replace("annotation " + OperationRequest.ANNOTATION + ": ", ""));
    }
    JsonObject annotations = new JsonObject();
    annotations.addProperty(OperationRequest.ANNOTATION, asked);
    JsonObject metadata = new JsonObject();
    metadata.add("annotations", annotations);
    JsonObject patch = new JsonObject();
    patch.add("metadata", metadata);
    kube().mergePatch(ApiKind.REPOSITORY, namespace(), repository, patch.toString());
    out().println(request.getOperation() + " " + request.getId() + " asked of repository " + repository + " in namespace "
        + namespace());
    out().flush();
    if (noWait) {
      return 0;
    }
    Follower.Seen end = follower().follow(() -> lookAt(request.getId()), timeout(timeout));
    return Sessions.report(out(), err(), request.getOperation() + " " + request.getId(), end,
        "kubectl get events -n " + namespace() + " --field-selector involvedObject.name=" + repository);
  }

  private Follower.Seen lookAt(String id) {
    Repository now = kube().get(ApiKind.REPOSITORY, namespace(), repository);
    RepositoryOperation operation = now.getStatus() == null ? null : now.getStatus().getLastOperation();
    if (operation == null || !id.equals(operation.getId())) {
      return new Follower.Seen(null, null, null, null);
    }
    return new Follower.Seen(operation.getPhase(), operation.getReason(), operation.getMessage(), null);
  }

  /** Unique enough for two users asking within a second: time to the second and four random letters. */
  static String newId() {
    String letters = "abcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder id = new StringBuilder(OffsetDateTime.now(ZoneOffset.UTC).format(STAMP)).append('-');
    for (int i = 0; i < 4; i++) {
      id.append(letters.charAt(RANDOM.nextInt(letters.length())));
    }
    return id.toString();
  }
}
