package dev.keepsake.runner.command;

import dev.keepsake.api.BackupSessionStatus;
import dev.keepsake.api.Durations;
import dev.keepsake.api.Progress;
import dev.keepsake.runner.Log;
import dev.keepsake.runner.RunFailure;
import dev.keepsake.runner.report.Metrics;
import dev.keepsake.runner.report.SessionStatus;
import dev.keepsake.runner.report.TerminationMessage;
import dev.keepsake.runner.restic.ResticException;
import dev.keepsake.runner.stream.ProgressMeter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.function.Supplier;

/**
 * How every command ends: the same outcome in the log, the termination message, the session's
 * status and the Pushgateway, on success and on failure alike.
 */
final class RunReport {
  private final String operation;
  private final Metrics metrics;
  private final SessionStatus status;
  private final Path terminationLog;
  private final Instant started = Instant.now();
  private final Supplier<dev.keepsake.api.SessionStatus<?>> empty;

  RunReport(String operation, Metrics metrics, SessionStatus status, Path terminationLog) {
    this(operation, metrics, status, terminationLog, BackupSessionStatus::new);
  }

  /**
   * @param empty an empty status of the kind of session reported on, for what every session's
   *     status has
   */
  RunReport(
      String operation,
      Metrics metrics,
      SessionStatus status,
      Path terminationLog,
      Supplier<dev.keepsake.api.SessionStatus<?>> empty) {
    this.empty = empty;
    this.operation = operation;
    this.metrics = metrics;
    this.status = status;
    this.terminationLog = terminationLog;
  }

  Duration elapsed() {
    return Duration.between(started, Instant.now());
  }

  Metrics metrics() {
    return metrics;
  }

  /** Progress as the session's status shows it while the run goes on. */
  void progress(ProgressMeter.Reading reading) {
    status.patch(
        empty
            .get()
            .progress(
                new Progress()
                    .bytesDone(reading.bytesDone())
                    .bytesTotal(
                        reading.bytesTotal().isPresent() ? reading.bytesTotal().getAsLong() : null)
                    .percent(reading.percent())
                    .bytesPerSecond(reading.bytesPerSecond())
                    .updateTime(OffsetDateTime.ofInstant(reading.at(), ZoneOffset.UTC))));
  }

  /** A run that reports no results of its own beyond its message. */
  int succeeded(String message) {
    return succeeded(message, empty.get());
  }

  /**
   * @param results what the run found, in the status of the session it reports on
   */
  int succeeded(String message, dev.keepsake.api.SessionStatus<?> results) {
    Log.info("%s succeeded in %s: %s", operation, Durations.human(elapsed()), message);
    results.message(message).duration(Durations.human(elapsed()));
    status.patch(results);
    double now = Instant.now().getEpochSecond();
    metrics
        .gauge(name("success"), "1 if the last " + operation + " succeeded, 0 if it failed", 1)
        .gauge(name("last_attempt_timestamp_seconds"), "When the last " + operation + " ended", now)
        .gauge(
            name("last_success_timestamp_seconds"),
            "When the last successful " + operation + " ended",
            now)
        .gauge(
            name("duration_seconds"),
            "How long the last " + operation + " took",
            elapsed().toMillis() / 1000.0)
        .push();
    TerminationMessage.write(terminationLog, "Completed", message);
    return 0;
  }

  int failed(RuntimeException failure) {
    String reason = reasonOf(failure);
    String message = failure.getMessage() == null ? failure.toString() : failure.getMessage();
    Log.error("%s failed (%s): %s", operation, reason, message);
    status.patch(empty.get().message(message).duration(Durations.human(elapsed())));
    metrics
        .gauge(name("success"), "1 if the last " + operation + " succeeded, 0 if it failed", 0)
        .gauge(
            name("last_attempt_timestamp_seconds"),
            "When the last " + operation + " ended",
            Instant.now().getEpochSecond())
        .gauge(
            name("duration_seconds"),
            "How long the last " + operation + " took",
            elapsed().toMillis() / 1000.0)
        .incrementedCounter(name("failures_total"), "How many " + operation + "s have failed")
        .push();
    TerminationMessage.write(terminationLog, reason, message);
    return 1;
  }

  private String name(String suffix) {
    return "keepsake_" + operation + "_" + suffix;
  }

  static String reasonOf(RuntimeException failure) {
    if (failure instanceof RunFailure run) {
      return run.reason();
    }
    if (failure instanceof ResticException restic) {
      return restic.failure().reason().name();
    }
    if (failure instanceof IllegalArgumentException) {
      return "InvalidInput";
    }
    return "Error";
  }
}
