package dev.keepsake.operator.status;

import dev.keepsake.api.BackupConfiguration;
import dev.keepsake.api.BackupConfigurationStatus;
import dev.keepsake.api.BackupSession;
import dev.keepsake.api.SessionPhase;
import dev.keepsake.desired.Names;
import dev.keepsake.operator.schedule.Schedule;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/** A BackupConfiguration's status, from its readiness, its schedule and its sessions. */
public final class ConfigurationStatuses {
  private ConfigurationStatuses() {}

  /**
   * @param scheduled whether the configuration's CronJob is in place; it is even while a Repository
   *     whose Secret is missing makes the configuration not Ready
   */
  public static BackupConfigurationStatus from(
      BackupConfiguration configuration,
      Readiness readiness,
      boolean scheduled,
      List<BackupSession> sessions,
      OffsetDateTime now) {
    var spec = configuration.getSpec();
    BackupConfigurationStatus previous =
        configuration.getStatus() == null
            ? new BackupConfigurationStatus()
            : configuration.getStatus();
    BackupConfigurationStatus status =
        new BackupConfigurationStatus()
            .observedGeneration(configuration.getMetadata().getGeneration())
            .conditions(
                Conditions.set(
                    previous.getConditions(),
                    Conditions.READY,
                    readiness.ready(),
                    readiness.reason(),
                    readiness.message(),
                    configuration.getMetadata().getGeneration(),
                    now));
    if (Schedule.parse(spec.getSchedule(), spec.getTimeZone()) instanceof Schedule.Valid valid) {
      status.scheduleDescription(valid.schedule().describe());
      if (scheduled && !Boolean.TRUE.equals(spec.getPaused())) {
        status.nextBackupTime(
            valid
                .schedule()
                .nextAfter(now.toZonedDateTime())
                .map(ZonedDateTime::toOffsetDateTime)
                .orElse(null));
      }
    }
    if (scheduled) {
      status.cronJobName(Names.cronJob(configuration.getMetadata().getName()));
    }
    List<BackupSession> finished =
        sessions.stream()
            .filter(s -> s.getStatus() != null && s.getStatus().getCompletionTime() != null)
            .filter(
                s ->
                    s.getStatus().getPhase() == SessionPhase.Succeeded
                        || s.getStatus().getPhase() == SessionPhase.Failed)
            .sorted(Comparator.comparing((BackupSession s) -> s.getStatus().getCompletionTime()))
            .toList();
    if (!finished.isEmpty()) {
      BackupSession last = finished.get(finished.size() - 1);
      status
          .lastBackupTime(last.getStatus().getCompletionTime())
          .lastBackupSession(last.getMetadata().getName());
    }
    finished.stream()
        .filter(s -> s.getStatus().getPhase() == SessionPhase.Succeeded)
        .map(s -> s.getStatus().getCompletionTime())
        .filter(Objects::nonNull)
        .max(Comparator.naturalOrder())
        .ifPresent(status::lastSuccessfulBackupTime);
    return status;
  }
}
