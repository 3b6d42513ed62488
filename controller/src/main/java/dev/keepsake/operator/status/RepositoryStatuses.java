package dev.keepsake.operator.status;

import dev.keepsake.api.BackupSession;
import dev.keepsake.api.Repository;
import dev.keepsake.api.RepositoryStatus;
import dev.keepsake.api.SessionPhase;
import dev.keepsake.restic.ResticRepository;
import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.List;

/** A Repository's status: where it is (no credentials), whether its Secret exists, its last backup. */
public final class RepositoryStatuses {
  private RepositoryStatuses() {}

  /** @param sessions backup sessions of every configuration that uses this repository */
  public static RepositoryStatus from(Repository repository, boolean secretExists, List<BackupSession> sessions, OffsetDateTime now) {
    RepositoryStatus previous = repository.getStatus() == null ? new RepositoryStatus() : repository.getStatus();
    ResticRepository restic = ResticRepository.of(repository.getSpec());
    String secret = repository.getSpec().getSecret().getName();
    RepositoryStatus status = new RepositoryStatus()
        .observedGeneration(repository.getMetadata().getGeneration())
        .backend(restic.type() + ":" + restic.displayLocation().replaceFirst("^" + restic.type() + ":", ""))
        .conditions(Conditions.set(previous.getConditions(), Conditions.READY, secretExists,
            secretExists ? "SecretFound" : "SecretNotFound",
            secretExists ? "Secret " + secret + " is there; its keys are checked by each backup"
                : "Secret " + secret + " does not exist in namespace " + repository.getMetadata().getNamespace(),
            repository.getMetadata().getGeneration(), now))
        .initialized(previous.getInitialized())
        .snapshotCount(previous.getSnapshotCount())
        .totalSize(previous.getTotalSize())
        .totalSizeBytes(previous.getTotalSizeBytes())
        .lastCheckTime(previous.getLastCheckTime())
        .lastCheckResult(previous.getLastCheckResult());
    sessions.stream()
        .filter(s -> s.getStatus() != null && s.getStatus().getPhase() == SessionPhase.Succeeded && s.getStatus().getCompletionTime() != null)
        .max(Comparator.comparing((BackupSession s) -> s.getStatus().getCompletionTime()))
        .ifPresent(last -> status.initialized(true)
            .lastBackupTime(last.getStatus().getCompletionTime())
            .lastBackupSession(last.getMetadata().getNamespace() + "/" + last.getMetadata().getName()));
    return status;
  }
}
