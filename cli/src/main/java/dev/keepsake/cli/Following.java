package dev.keepsake.cli;

import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** --no-wait and --timeout, for the commands that start something in the cluster and follow it. */
final class Following {
  @Option(names = "--no-wait", description = "Start it and return without following it.")
  boolean noWait;

  /** Null: no limit. Read when the command line is, so a bad value starts nothing. */
  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Stop following after this long (e.g. 30m); it goes on in the cluster.")
  Duration timeout;

  /** Keepsake's durations (90s, 30m, 1h30m), refused as a usage error otherwise. */
  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      try {
        return dev.keepsake.api.Durations.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}
