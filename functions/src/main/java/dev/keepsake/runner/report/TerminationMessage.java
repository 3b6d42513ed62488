package dev.keepsake.runner.report;

import dev.keepsake.api.RunnerReport;
import dev.keepsake.runner.Log;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The pod's termination message: Kubernetes copies this file into the container status, where the
 * operator reads why a backup failed: a {@link RunnerReport}.
 */
public final class TerminationMessage {
  private TerminationMessage() {}

  public static void write(Path file, String reason, String message) {
    if (file == null) {
      return;
    }
    try {
      Files.writeString(file, new RunnerReport(reason, Log.redactor().redact(message)).toJson());
    } catch (IOException e) {
      Log.warn("could not write the termination message to %s: %s", file, e.getMessage());
    }
  }
}
