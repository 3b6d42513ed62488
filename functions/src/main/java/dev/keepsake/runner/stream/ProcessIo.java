package dev.keepsake.runner.stream;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * A process's own byte count from the kernel (/proc/PID/io): how the runner follows a stream that
 * does not pass through it. After the process ends the last count read stays.
 */
final class ProcessIo implements LongSupplier {
  private final Path io;
  private final String field;
  private volatile long last;

  private ProcessIo(long pid, String field) {
    this.io = Path.of("/proc", Long.toString(pid), "io");
    this.field = field + ":";
  }

  /** Bytes the process wrote (a dump writes its stdout). */
  static ProcessIo written(long pid) {
    return new ProcessIo(pid, "wchar");
  }

  @Override
  public long getAsLong() {
    try {
      for (String line : Files.readAllLines(io)) {
        if (line.startsWith(field)) {
          last = Long.parseLong(line.substring(field.length()).trim());
        }
      }
    } catch (IOException | NumberFormatException processGone) {
      // keep the last count
    }
    return last;
  }
}
