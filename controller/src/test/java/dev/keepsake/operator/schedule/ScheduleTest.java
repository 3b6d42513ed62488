package dev.keepsake.operator.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScheduleTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "@daily,2026-11-23T00:00Z",
    "@hourly,2026-11-22T11:00Z",
    "@weekly,2026-11-29T00:00Z",
    "@monthly,2026-12-01T00:00Z",
    "@yearly,2027-01-01T00:00Z",
    "*/15 * * * *,2026-11-22T10:45Z",
    "30 2 * * 1-5,2026-11-23T02:30Z"
  })
  void cronJobSyntaxAndMacrosGiveTheNextRun(String expression, String next) {
    Schedule schedule = ((Schedule.Valid) Schedule.parse(expression, null)).schedule();

    assertThat(
            schedule
                .nextAfter(ZonedDateTime.parse("2026-11-22T10:40:00Z"))
                .orElseThrow()
                .toInstant())
        .isEqualTo(ZonedDateTime.parse(next).toInstant());
  }

  @Test
  void aTimeZoneMovesTheRunAndNamesItself() {
    Schedule schedule = ((Schedule.Valid) Schedule.parse("30 2 * * *", "Europe/Paris")).schedule();

    assertThat(schedule.nextAfter(ZonedDateTime.parse("2026-11-22T10:40:00Z")).orElseThrow())
        .isEqualTo(ZonedDateTime.of(2026, 11, 23, 2, 30, 0, 0, ZoneId.of("Europe/Paris")));
    assertThat(schedule.describe()).isEqualTo("at 02:30 (Europe/Paris)");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {"61 2 * * *|61", "* * 32 * *|32", "every day|every", "0 0 * * * *|0 0 * * * *"})
  void anInvalidScheduleIsExplained(String expression, String fragment) {
    Schedule.Parsed parsed = Schedule.parse(expression, null);

    assertThat(parsed).isInstanceOf(Schedule.Invalid.class);
    assertThat(((Schedule.Invalid) parsed).message())
        .startsWith("invalid schedule '" + expression + "'")
        .contains(fragment);
  }

  @Test
  void aQuestionMarkStandsForAnyValueAsInACronJob() {
    Schedule schedule = ((Schedule.Valid) Schedule.parse("0 3 ? * ?", null)).schedule();

    assertThat(schedule.nextAfter(ZonedDateTime.parse("2026-11-22T10:40:00Z")).orElseThrow())
        .isEqualTo(ZonedDateTime.parse("2026-11-23T03:00:00Z"));
    assertThat(schedule.expression()).isEqualTo("0 3 ? * ?");
  }

  @Test
  void aScheduleOfAnImpossibleDateIsValidAndNeverFires() {
    assertThat(((Schedule.Valid) Schedule.parse("0 0 31 2 *", null)).schedule().neverFires())
        .as("the usual way to ask for backups started by hand only")
        .isTrue();
    assertThat(((Schedule.Valid) Schedule.parse("0 3 31 4,6,9,11 *", null)).schedule().neverFires())
        .isTrue();
    Schedule leapDay = ((Schedule.Valid) Schedule.parse("0 0 29 2 *", null)).schedule();
    assertThat(leapDay.neverFires()).isFalse();
    assertThat(leapDay.nextAfter(ZonedDateTime.parse("2026-11-22T10:40:00Z")).orElseThrow())
        .isEqualTo(ZonedDateTime.parse("2028-02-29T00:00:00Z"));
    assertThat(((Schedule.Valid) Schedule.parse("0 0 31 2 1", null)).schedule().neverFires())
        .as("with both day fields restricted, either matches, as in a CronJob")
        .isFalse();
    assertThat(Schedule.byHandOnly("0 0 31 2 *", null)).isTrue();
    assertThat(Schedule.byHandOnly("@daily", null)).isFalse();
    assertThat(Schedule.byHandOnly("every day", null))
        .as("an invalid schedule is no request for manual backups: they are wanted and missing")
        .isFalse();
  }

  @Test
  void anUnknownTimeZoneIsExplained() {
    assertThat(((Schedule.Invalid) Schedule.parse("@daily", "Mars/Olympus")).message())
        .contains("unknown time zone Mars/Olympus");
  }
}
