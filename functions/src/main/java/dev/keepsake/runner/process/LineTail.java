package dev.keepsake.runner.process;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The last lines of a program's output, to explain a failure without keeping everything it said.
 */
final class LineTail {
  private static final int MAX_LINE_LENGTH = 2000;
  private final int capacity;
  private final Deque<String> lines = new ArrayDeque<>();

  LineTail(int capacity) {
    this.capacity = capacity;
  }

  synchronized void add(String line) {
    if (lines.size() == capacity) {
      lines.removeFirst();
    }
    lines.addLast(
        line.length() > MAX_LINE_LENGTH ? line.substring(0, MAX_LINE_LENGTH) + "…" : line);
  }

  synchronized String text() {
    return String.join("\n", lines);
  }
}
