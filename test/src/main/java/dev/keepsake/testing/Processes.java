package dev.keepsake.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Short commands the harness runs to set servers up: their output, or an exception that shows it.
 */
final class Processes {
  private Processes() {}

  /** Runs {@code command} with {@code environment} added; stdout and stderr together, trimmed. */
  static String output(List<String> command, Map<String, String> environment) {
    return output(command, environment, new byte[0]);
  }

  /** The same, with {@code input} on the command's stdin. */
  static String output(List<String> command, Map<String, String> environment, byte[] input) {
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().putAll(environment);
      Process process = builder.start();
      try (var stdin = process.getOutputStream()) {
        stdin.write(input);
      }
      String output =
          new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (process.waitFor() != 0) {
        throw new IllegalStateException(command.get(0) + " failed: " + output);
      }
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
