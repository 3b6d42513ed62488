package dev.keepsake.operator.hooks;

import java.nio.charset.StandardCharsets;

/**
 * The last characters of a hook's output: enough to see why it failed, never enough to fill a
 * status.
 */
final class OutputTail {
  static final int LIMIT = 4000;
  private final StringBuilder text = new StringBuilder();

  synchronized void add(byte[] bytes, int length) {
    text.append(new String(bytes, 0, length, StandardCharsets.UTF_8));
    if (text.length() > 2 * LIMIT) {
      text.delete(0, text.length() - LIMIT);
    }
  }

  synchronized String text() {
    String all =
        text.length() > LIMIT ? "…" + text.substring(text.length() - LIMIT) : text.toString();
    return all.strip();
  }
}
