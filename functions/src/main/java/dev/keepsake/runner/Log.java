package dev.keepsake.runner;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/** The runner's log: one line per event on stderr, with credentials masked. */
public final class Log {
  private static volatile Redactor redactor =
      Redactor.forEnvironment(System.getenv(), java.util.List.of());

  private Log() {}

  public static void useRedactor(Redactor value) {
    redactor = value;
  }

  /** The masking every output of the runner goes through. */
  public static Redactor redactor() {
    return redactor;
  }

  public static void info(String format, Object... args) {
    write("INFO", format, args);
  }

  public static void warn(String format, Object... args) {
    write("WARN", format, args);
  }

  public static void error(String format, Object... args) {
    write("ERROR", format, args);
  }

  private static void write(String level, String format, Object... args) {
    String message = args.length == 0 ? format : String.format(Locale.ROOT, format, args);
    System.err.println(
        Instant.now().truncatedTo(ChronoUnit.SECONDS)
            + " "
            + level
            + " "
            + redactor.redact(message));
  }
}
