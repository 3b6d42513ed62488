package dev.keepsake.runner.sql;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Cuts a byte stream into lines and hands on the start of each (up to {@value #KEPT} bytes), for a
 * scanner that reads statements' first words while the data itself streams past untouched.
 */
final class LineStarts {
  static final int KEPT = 4096;

  private final Consumer<String> lines;
  private final byte[] start = new byte[KEPT];
  private int length;

  LineStarts(Consumer<String> lines) {
    this.lines = lines;
  }

  void accept(byte[] buffer, int offset, int count) {
    for (int i = offset; i < offset + count; i++) {
      byte b = buffer[i];
      if (b == '\n') {
        emit();
      } else if (length < KEPT) {
        start[length++] = b;
      }
    }
  }

  void finish() {
    if (length > 0) {
      emit();
    }
  }

  private void emit() {
    int end = length > 0 && start[length - 1] == '\r' ? length - 1 : length;
    lines.accept(new String(start, 0, end, StandardCharsets.UTF_8));
    length = 0;
  }
}
