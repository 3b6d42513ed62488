package dev.keepsake.runner.redis;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the commands of a RESP dump one at a time. The first arguments (name, key and, for RESTORE,
 * the expiry) are read into memory; the rest is forwarded or skipped through a fixed buffer, so a
 * value of any size never sits in memory whole.
 */
final class DumpReader {
  private static final int HEAD = 3;
  private final InputStream in;
  private final byte[] buffer = new byte[1 << 16];
  private long argumentsLeft;
  private long bytesRead;

  DumpReader(InputStream input) {
    this.in = new BufferedInputStream(input, 1 << 16);
  }

  /** A command's argument count and its first (up to three) arguments. */
  record Command(int count, List<byte[]> head) {
    String name() {
      return new String(head.get(0), StandardCharsets.ISO_8859_1)
          .toUpperCase(java.util.Locale.ROOT);
    }

    byte[] key() {
      return head.size() > 1 ? head.get(1) : null;
    }

    String argument(int index) {
      return index < head.size() ? new String(head.get(index), StandardCharsets.ISO_8859_1) : null;
    }
  }

  /** Whether more input is already buffered, so that a writer knows when to flush what it holds. */
  boolean moreBuffered() throws IOException {
    return in.available() > 0;
  }

  /**
   * The next command, or null at a clean end of input. The previous one must have been forwarded or
   * skipped.
   */
  Command next() throws IOException {
    if (argumentsLeft > 0) {
      throw new IllegalStateException("the previous command was neither forwarded nor skipped");
    }
    int first = read();
    if (first == -1) {
      return null;
    }
    if (first != '*') {
      throw new MalformedDump(
          "not a RESP array at byte "
              + (bytesRead - 1)
              + ": the input is not a Redis dump in RESP form");
    }
    long count = parseLength(readLine());
    if (count < 1 || count > Integer.MAX_VALUE) {
      throw new MalformedDump("a command with " + count + " arguments at byte " + bytesRead);
    }
    List<byte[]> head = new ArrayList<>(HEAD);
    for (int i = 0; i < Math.min(HEAD, count); i++) {
      long length = bulkLength();
      if (length > Integer.MAX_VALUE - 16) {
        throw new MalformedDump(
            "an argument of " + length + " bytes among a command's first arguments");
      }
      byte[] bytes = in.readNBytes((int) length);
      bytesRead += bytes.length;
      if (bytes.length < length) {
        throw truncated();
      }
      crlf();
      head.add(bytes);
    }
    argumentsLeft = count - head.size();
    return new Command((int) count, head);
  }

  /**
   * Writes the current command whole to {@code out}: its head, then its other arguments streamed.
   */
  void forward(Command command, OutputStream out) throws IOException {
    RespConnection.writeArrayHeader(out, command.count());
    for (byte[] argument : command.head()) {
      RespConnection.writeBulk(out, argument);
    }
    while (argumentsLeft > 0) {
      long length = bulkLength();
      RespConnection.writeBulkHeader(out, length);
      copy(length, out);
      crlf();
      out.write('\r');
      out.write('\n');
      argumentsLeft--;
    }
  }

  /**
   * Reads past the current command's other arguments (by reading: stdin is a pipe, which cannot
   * seek).
   */
  void skip() throws IOException {
    while (argumentsLeft > 0) {
      long left = bulkLength();
      while (left > 0) {
        int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
        if (read < 0) {
          throw truncated();
        }
        bytesRead += read;
        left -= read;
      }
      crlf();
      argumentsLeft--;
    }
  }

  private void copy(long length, OutputStream out) throws IOException {
    long left = length;
    while (left > 0) {
      int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (read < 0) {
        throw truncated();
      }
      out.write(buffer, 0, read);
      bytesRead += read;
      left -= read;
    }
  }

  private long bulkLength() throws IOException {
    int marker = read();
    if (marker == -1) {
      throw truncated();
    }
    if (marker != '$') {
      throw new MalformedDump("a RESP bulk string was expected at byte " + (bytesRead - 1));
    }
    long length = parseLength(readLine());
    if (length < 0) {
      throw new MalformedDump("a null argument at byte " + bytesRead);
    }
    return length;
  }

  private int read() throws IOException {
    int b = in.read();
    if (b != -1) {
      bytesRead++;
    }
    return b;
  }

  private void crlf() throws IOException {
    int cr = read();
    int lf = read();
    if (cr == -1 || lf == -1) {
      throw truncated();
    }
    if (cr != '\r' || lf != '\n') {
      throw new MalformedDump("an argument does not end with CRLF at byte " + bytesRead);
    }
  }

  private String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(16);
    int b;
    while ((b = read()) != '\r') {
      if (b == -1) {
        throw truncated();
      }
      if (line.size() > 20) {
        throw new MalformedDump(
            "a RESP length line longer than 20 characters at byte " + bytesRead);
      }
      line.write(b);
    }
    if (read() != '\n') {
      throw new MalformedDump("a RESP line does not end with CRLF at byte " + bytesRead);
    }
    return line.toString(StandardCharsets.US_ASCII);
  }

  private static long parseLength(String text) throws MalformedDump {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new MalformedDump("'" + text + "' where a RESP length was expected");
    }
  }

  private MalformedDump truncated() {
    return new MalformedDump(
        "the dump ends in the middle of a command, after "
            + bytesRead
            + " bytes: it was cut short");
  }

  /**
   * The input is not a whole RESP dump: the restore stops rather than go on with part of a command.
   */
  static final class MalformedDump extends IOException {
    MalformedDump(String message) {
      super(message);
    }
  }
}
