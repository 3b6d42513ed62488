package dev.keepsake.operator.schedule;

import com.cronutils.descriptor.CronDescriptor;
import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A BackupConfiguration's schedule, read the way a Kubernetes CronJob reads it: five fields, or one
 * of the @-macros, in an optional IANA time zone.
 */
public record Schedule(String expression, ZoneId zone, Cron cron) {
  private static final CronParser PARSER =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
  private static final Map<String, String> MACROS =
      Map.of(
          "@yearly", "0 0 1 1 *",
          "@annually", "0 0 1 1 *",
          "@monthly", "0 0 1 * *",
          "@weekly", "0 0 * * 0",
          "@daily", "0 0 * * *",
          "@midnight", "0 0 * * *",
          "@hourly", "0 * * * *");

  /** The schedule, or the reason it is not one (cron-utils' own explanation). */
  public sealed interface Parsed permits Valid, Invalid {}

  public record Valid(Schedule schedule) implements Parsed {}

  public record Invalid(String message) implements Parsed {}

  /**
   * The zone of a schedule that names none, given to its CronJob too: left unset there, the CronJob
   * would follow the controller-manager's own zone, which next-run times here cannot know.
   */
  public static final String ZONE_WHEN_UNSET = "UTC";

  /** The zone a CronJob is given for a schedule's {@code timeZone} field. */
  public static String zoneOf(String timeZone) {
    return timeZone == null || timeZone.isBlank() ? ZONE_WHEN_UNSET : timeZone;
  }

  public static Parsed parse(String expression, String timeZone) {
    ZoneId zone;
    try {
      zone = ZoneId.of(zoneOf(timeZone));
    } catch (DateTimeException e) {
      return new Invalid("unknown time zone " + timeZone + ": " + e.getMessage());
    }
    // A CronJob takes ? for * in any field; cron-utils' UNIX definition refuses it.
    String cronText = MACROS.getOrDefault(expression.trim(), expression.trim()).replace('?', '*');
    try {
      Cron cron = PARSER.parse(cronText).validate();
      return new Valid(new Schedule(expression, zone, cron));
    } catch (IllegalArgumentException e) {
      return new Invalid("invalid schedule '" + expression + "': " + e.getMessage());
    }
  }

  public Optional<ZonedDateTime> nextAfter(ZonedDateTime time) {
    return ExecutionTime.forCron(cron).nextExecution(time.withZoneSameInstant(zone));
  }

  /** The last scheduled time strictly before {@code time}. */
  public Optional<ZonedDateTime> lastBefore(ZonedDateTime time) {
    return ExecutionTime.forCron(cron).lastExecution(time.withZoneSameInstant(zone));
  }

  /**
   * Whether no date ever matches, as "0 0 31 2 *": the usual way to ask for backups started only by
   * hand, so it is valid, and said.
   */
  public boolean neverFires() {
    return ExecutionTime.forCron(cron).nextExecution(ZonedDateTime.now(zone)).isEmpty();
  }

  /**
   * Whether a configuration with this schedule asks for backups by hand only: a valid schedule that
   * never fires, which alerts must not call late. An invalid one is not: backups are wanted there.
   */
  public static boolean byHandOnly(String expression, String timeZone) {
    if (BY_HAND_ONLY.size() > 10_000) {
      BY_HAND_ONLY.clear();
    }
    // Asked for every configuration at each metrics scrape: a cluster has few distinct schedules.
    return BY_HAND_ONLY.computeIfAbsent(
        expression + "\u0000" + timeZone,
        key -> parse(expression, timeZone) instanceof Valid valid && valid.schedule().neverFires());
  }

  private static final java.util.concurrent.ConcurrentHashMap<String, Boolean> BY_HAND_ONLY =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** The schedule in words, with its zone: "at 02:30 (Europe/Paris)". */
  public String describe() {
    return inWords() + " (" + zone.getId() + ")";
  }

  /** The schedule in words, without its zone: "at 02:30". */
  public String inWords() {
    return CronDescriptor.instance(Locale.UK).describe(cron);
  }
}
