package dev.keepsake.runner.stream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Copies one program's stdout into another's stdin, counting bytes; never closes the target. */
final class Pump {
  private static final int BUFFER = 1 << 16;

  private Pump() {}

  /**
   * Copies until the end of {@code from}. The target stays open: whoever runs the pipe decides
   * whether the consumer may see a clean end of input.
   */
  static void copy(InputStream from, OutputStream to, ProgressMeter meter) throws IOException {
    byte[] buffer = new byte[BUFFER];
    for (int n = from.read(buffer); n >= 0; n = from.read(buffer)) {
      to.write(buffer, 0, n);
      meter.add(n);
    }
    to.flush();
  }
}
