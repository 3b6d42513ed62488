package dev.keepsake.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.keepsake.api.BackupConfiguration;
import dev.keepsake.api.BackupSession;
import dev.keepsake.api.SessionPhase;
import dev.keepsake.operator.schedule.Schedule;
import dev.keepsake.operator.status.Conditions;
import io.kubernetes.client.openapi.models.V1Condition;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What `status` shows of one configuration: its schedule in words, next run, last sessions, last
 * error, and whether it is overdue: no success since the scheduled run before the latest one, so a
 * whole interval went by without a good backup.
 */
record ConfigurationView(
    BackupConfiguration configuration, List<BackupSession> sessions, OffsetDateTime now) {
  static final int SESSIONS_SHOWN = 5;

  /** The sessions of this configuration, newest first. */
  static ConfigurationView of(
      BackupConfiguration configuration, List<BackupSession> all, OffsetDateTime now) {
    String name = configuration.getMetadata().getName();
    List<BackupSession> mine =
        all.stream()
            .filter(
                s ->
                    s.getSpec() != null
                        && s.getSpec().getInvoker() != null
                        && name.equals(s.getSpec().getInvoker().getName())
                        && Objects.equals(
                            s.getMetadata().getNamespace(),
                            configuration.getMetadata().getNamespace()))
            .sorted(
                Comparator.comparing(
                        (BackupSession s) -> s.getMetadata().getCreationTimestamp(),
                        Comparator.nullsFirst(Comparator.naturalOrder()))
                    .reversed())
            .toList();
    return new ConfigurationView(configuration, mine, now);
  }

  String name() {
    return configuration.getMetadata().getName();
  }

  boolean paused() {
    return Boolean.TRUE.equals(configuration.getSpec().getPaused());
  }

  Optional<Schedule> schedule() {
    Schedule.Parsed parsed =
        Schedule.parse(
            configuration.getSpec().getSchedule(), configuration.getSpec().getTimeZone());
    return parsed instanceof Schedule.Valid valid
        ? Optional.of(valid.schedule())
        : Optional.empty();
  }

  String scheduleInWords() {
    String expression = configuration.getSpec().getSchedule();
    return schedule()
        .map(s -> expression + " (" + s.inWords() + ", " + s.zone().getId() + ")")
        .orElse(expression + " (not a valid schedule)");
  }

  OffsetDateTime nextRun() {
    if (paused()) {
      return null;
    }
    return schedule()
        .flatMap(s -> s.nextAfter(now.toZonedDateTime()))
        .map(ZonedDateTime::toOffsetDateTime)
        .orElse(null);
  }

  OffsetDateTime lastSuccess() {
    OffsetDateTime fromSessions =
        sessions.stream()
            .filter(s -> phase(s) == SessionPhase.Succeeded)
            .map(s -> s.getStatus().getCompletionTime())
            .filter(Objects::nonNull)
            .max(Comparator.naturalOrder())
            .orElse(null);
    OffsetDateTime fromStatus =
        configuration.getStatus() == null
            ? null
            : configuration.getStatus().getLastSuccessfulBackupTime();
    if (fromSessions == null || fromStatus == null) {
      return fromSessions != null ? fromSessions : fromStatus;
    }
    return fromSessions.isAfter(fromStatus) ? fromSessions : fromStatus;
  }

  /** The scheduled time since which a success is missing, when the configuration is overdue. */
  Optional<OffsetDateTime> overdueSince() {
    if (paused()) {
      return Optional.empty();
    }
    Optional<Schedule> schedule = schedule();
    if (schedule.isEmpty() || schedule.get().neverFires()) {
      return Optional.empty();
    }
    Optional<ZonedDateTime> latest = schedule.get().lastBefore(now.toZonedDateTime());
    Optional<ZonedDateTime> before = latest.flatMap(t -> schedule.get().lastBefore(t));
    if (before.isEmpty()) {
      return Optional.empty();
    }
    OffsetDateTime due = before.get().toOffsetDateTime();
    OffsetDateTime created = configuration.getMetadata().getCreationTimestamp();
    if (created != null && created.isAfter(due)) {
      return Optional.empty();
    }
    OffsetDateTime success = lastSuccess();
    return success == null || success.isBefore(due) ? Optional.of(due) : Optional.empty();
  }

  /** The newest failed session, unless a backup succeeded after it. */
  Optional<BackupSession> lastFailure() {
    OffsetDateTime success = lastSuccess();
    return sessions.stream()
        .filter(s -> phase(s) == SessionPhase.Failed)
        .findFirst()
        .filter(
            failed -> success == null || ended(failed) == null || ended(failed).isAfter(success));
  }

  private static OffsetDateTime ended(BackupSession session) {
    OffsetDateTime completed = session.getStatus().getCompletionTime();
    return completed != null ? completed : session.getMetadata().getCreationTimestamp();
  }

  /** The configuration's Repository, with its namespace when it is another's. */
  String repository() {
    var ref = configuration.getSpec().getRepository();
    return ref == null
        ? null
        : ref.getNamespace() == null ? ref.getName() : ref.getNamespace() + "/" + ref.getName();
  }

  Optional<V1Condition> ready() {
    return configuration.getStatus() == null
        ? Optional.empty()
        : Conditions.find(configuration.getStatus().getConditions(), Conditions.READY);
  }

  static SessionPhase phase(BackupSession session) {
    return session.getStatus() == null ? null : session.getStatus().getPhase();
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject();
    json.addProperty("namespace", configuration.getMetadata().getNamespace());
    json.addProperty("name", name());
    json.addProperty("schedule", configuration.getSpec().getSchedule());
    json.addProperty(
        "timeZone",
        schedule().map(s -> s.zone().getId()).orElse(configuration.getSpec().getTimeZone()));
    json.addProperty("scheduleDescription", schedule().map(Schedule::describe).orElse(null));
    json.addProperty("paused", paused());
    ready()
        .ifPresent(
            c -> {
              JsonObject ready = new JsonObject();
              ready.addProperty("status", c.getStatus());
              ready.addProperty("reason", c.getReason());
              ready.addProperty("message", c.getMessage());
              json.add("ready", ready);
            });
    json.addProperty("repository", repository());
    json.addProperty("nextRun", text(nextRun()));
    json.addProperty("lastSuccess", text(lastSuccess()));
    json.addProperty("overdue", overdueSince().isPresent());
    overdueSince().ifPresent(due -> json.addProperty("noSuccessSince", due.toString()));
    JsonArray list = new JsonArray();
    sessions.stream().limit(SESSIONS_SHOWN).forEach(s -> list.add(sessionJson(s)));
    json.add("sessions", list);
    lastFailure().ifPresent(s -> json.add("lastError", sessionJson(s)));
    return json;
  }

  static JsonObject sessionJson(BackupSession session) {
    JsonObject json = new JsonObject();
    json.addProperty("name", session.getMetadata().getName());
    json.addProperty("trigger", session.getSpec() == null ? null : session.getSpec().getTrigger());
    var status = session.getStatus();
    json.addProperty(
        "phase", status == null || status.getPhase() == null ? null : status.getPhase().name());
    json.addProperty(
        "started",
        status == null
            ? text(session.getMetadata().getCreationTimestamp())
            : text(status.getStartTime()));
    if (status != null) {
      json.addProperty("duration", status.getDuration());
      json.addProperty("size", status.getSize());
      json.addProperty("bytesProcessed", status.getBytesProcessed());
      json.addProperty("snapshot", status.getSnapshotId());
      json.addProperty("reason", status.getReason());
      json.addProperty("message", status.getMessage());
    }
    return json;
  }

  private static String text(OffsetDateTime time) {
    return time == null ? null : time.toString();
  }
}
