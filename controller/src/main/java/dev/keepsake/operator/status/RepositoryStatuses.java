package dev.keepsake.operator.status;

import dev.keepsake.api.BackupSession;
import dev.keepsake.api.Bytes;
import dev.keepsake.api.Repository;
import dev.keepsake.api.RepositoryStatus;
import dev.keepsake.api.SessionPhase;
import dev.keepsake.restic.ResticRepository;
import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.List;

/**
 * A Repository's status: where it is (no credentials), whether its Secret exists, its last backup.
 */
public final class RepositoryStatuses {
  public static final String WIPED_OUT = "WipedOut";

  private RepositoryStatuses() {}

  /** The backend and where in it the data lives, without credentials: local:/data/shop. */
  public static String backend(Repository repository) {
    ResticRepository restic = ResticRepository.of(repository.getSpec());
    return restic.type()
        + ":"
        + restic.displayLocation().replaceFirst("^" + restic.type() + ":", "");
  }

  /** What the operator knows of the Repository's Secret. */
  public enum SecretLookup {
    FOUND,
    MISSING,
    /** The operator may not read Secrets. */
    NOT_CHECKED;

    public static SecretLookup of(boolean readable, boolean exists) {
      return !readable ? NOT_CHECKED : exists ? FOUND : MISSING;
    }
  }

  /** A copy of a status to change, never the informer cache's own object; empty for none. */
  public static RepositoryStatus copy(RepositoryStatus status) {
    return status == null
        ? new RepositoryStatus()
        : dev.keepsake.api.Manifests.toModel(
            dev.keepsake.api.Manifests.toJson(status), RepositoryStatus.class);
  }

  /**
   * The Ready condition of a Repository whose own status says its Secret is missing, if it says so.
   */
  public static java.util.Optional<io.kubernetes.client.openapi.models.V1Condition> secretMissing(
      Repository repository) {
    return repository == null || repository.getStatus() == null
        ? java.util.Optional.empty()
        : Conditions.find(repository.getStatus().getConditions(), Conditions.READY)
            .filter(ready -> "False".equals(ready.getStatus()))
            .filter(ready -> SECRET_NOT_FOUND.equals(ready.getReason()));
  }

  static final String SECRET_NOT_FOUND = "SecretNotFound";

  /**
   * @param sessions backup sessions of every configuration that uses this repository
   */
  public static RepositoryStatus from(
      Repository repository,
      SecretLookup secret,
      List<BackupSession> sessions,
      OffsetDateTime now) {
    RepositoryStatus previous =
        repository.getStatus() == null ? new RepositoryStatus() : repository.getStatus();
    String name = repository.getSpec().getSecret().getName();
    RepositoryStatus status =
        new RepositoryStatus()
            .observedGeneration(repository.getMetadata().getGeneration())
            .backend(backend(repository))
            .conditions(
                Conditions.set(
                    previous.getConditions(),
                    Conditions.READY,
                    secret != SecretLookup.MISSING,
                    switch (secret) {
                      case FOUND -> "SecretFound";
                      case MISSING -> SECRET_NOT_FOUND;
                      case NOT_CHECKED -> "SecretNotChecked";
                    },
                    switch (secret) {
                      case FOUND ->
                          "Secret " + name + " is there; its keys are checked by each backup";
                      case MISSING ->
                          "Secret "
                              + name
                              + " does not exist in namespace "
                              + repository.getMetadata().getNamespace();
                      case NOT_CHECKED ->
                          "Secret "
                              + name
                              + " is not checked: the operator may not read Secrets (the chart"
                              + " grants it that only with sharedRepositories.enabled); a missing"
                              + " Secret or key shows on the first session, as a pod that cannot"
                              + " start";
                    },
                    repository.getMetadata().getGeneration(),
                    now))
            .initialized(previous.getInitialized())
            .snapshotCount(previous.getSnapshotCount())
            .totalSize(previous.getTotalSize())
            .totalSizeBytes(previous.getTotalSizeBytes())
            .lastCheckTime(previous.getLastCheckTime())
            .lastCheckResult(previous.getLastCheckResult())
            .lastCheckMessage(previous.getLastCheckMessage())
            .lastOperation(previous.getLastOperation());
    List<BackupSession> succeeded =
        sessions.stream()
            .filter(
                s ->
                    s.getStatus() != null
                        && s.getStatus().getPhase() == SessionPhase.Succeeded
                        && s.getStatus().getCompletionTime() != null)
            .sorted(
                Comparator.comparing((BackupSession s) -> s.getStatus().getCompletionTime())
                    .reversed())
            .toList();
    if (!succeeded.isEmpty()) {
      BackupSession last = succeeded.get(0);
      status
          .initialized(true)
          .lastBackupTime(last.getStatus().getCompletionTime())
          .lastBackupSession(
              last.getMetadata().getNamespace() + "/" + last.getMetadata().getName());
    }
    // The newest measurement wins; a session whose retention step could not measure leaves the last
    // one.
    succeeded.stream()
        .map(s -> s.getStatus().getRepository())
        .filter(
            usage ->
                usage != null
                    && usage.getSnapshotCount() != null
                    && usage.getTotalSizeBytes() != null)
        .findFirst()
        .ifPresent(
            usage ->
                status
                    .snapshotCount(usage.getSnapshotCount())
                    .totalSizeBytes(usage.getTotalSizeBytes())
                    .totalSize(Bytes.human(usage.getTotalSizeBytes())));
    status.snapshots(SnapshotListing.of(previous.getSnapshots(), sessions));
    if (status.getSnapshots().isEmpty()) {
      status.snapshots(null);
    }
    return status;
  }

  public static final String WIPE_JOB_REFUSED = "WipeOutJobRefused";

  /** The API server refused the wipe Job: the Repository stays, and the Job is tried again. */
  public static RepositoryStatus wipeRefused(
      RepositoryStatus status,
      Repository repository,
      String jobName,
      String refusal,
      OffsetDateTime now) {
    return status.conditions(
        Conditions.set(
            status.getConditions(),
            WIPED_OUT,
            false,
            WIPE_JOB_REFUSED,
            "the API server refused Job "
                + jobName
                + " that would wipe the repository, or the account it runs as: "
                + refusal
                + ". The Repository stays and the Job is tried again every minute;"
                + " set spec.wipeOut to false to delete the Repository and keep its data",
            repository.getMetadata().getGeneration(),
            now));
  }

  /**
   * While a Repository with wipeOut is deleted: how the wipe goes, where `kubectl describe` shows
   * it.
   */
  public static RepositoryStatus wipingOut(
      RepositoryStatus status,
      Repository repository,
      WipeOut.Step step,
      String jobName,
      String failure,
      OffsetDateTime now) {
    String reason = step == WipeOut.Step.JOB_FAILED ? "WipeOutFailed" : "WipingOut";
    String message =
        step == WipeOut.Step.JOB_FAILED
            ? "Job "
                + jobName
                + " could not wipe the repository: "
                + failure
                + ". The Repository stays until the wipe succeeds;"
                + " delete the Job to try again, or set spec.wipeOut to false to delete the Repository and keep its data"
            : "Job "
                + jobName
                + " deletes the repository's data; the Repository goes when it has succeeded";
    return status.conditions(
        Conditions.set(
            status.getConditions(),
            WIPED_OUT,
            false,
            reason,
            message,
            repository.getMetadata().getGeneration(),
            now));
  }
}
