package dev.keepsake.runner.redis;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One RESP2 connection to Redis, for pipelining: commands are written into a buffer and flushed
 * when the caller chooses; replies are read in order. A bulk reply can be copied to another stream
 * without being held in memory, so a value of any size passes through a fixed buffer.
 */
public final class RespConnection implements AutoCloseable {
  private static final int BUFFER = 1 << 16;
  private static final byte[] CRLF = {'\r', '\n'};
  private final Socket socket;
  private final String where;
  private final InputStream in;
  private final OutputStream out;
  private long commandsSent;

  RespConnection(Socket socket, String where) throws IOException {
    this.socket = socket;
    this.where = where;
    this.in = new BufferedInputStream(socket.getInputStream(), BUFFER);
    this.out = new BufferedOutputStream(socket.getOutputStream(), BUFFER);
  }

  /**
   * One reply: a status (+), an error (-), an integer (:), a bulk string ($, null when absent) or
   * an array (*).
   */
  public record Reply(char type, String text, long integer, byte[] bulk, List<Reply> array) {
    public boolean isError() {
      return type == '-';
    }

    public boolean isNull() {
      return (type == '$' && bulk == null) || (type == '*' && array == null);
    }

    /** The reply as text: a status, an error, an integer or a bulk string. */
    public String asText() {
      return switch (type) {
        case ':' -> Long.toString(integer);
        case '$' -> bulk == null ? null : new String(bulk, StandardCharsets.UTF_8);
        default -> text;
      };
    }
  }

  public String where() {
    return where;
  }

  /**
   * How many commands this connection has sent, to tell them apart from other clients' in Redis'
   * counters.
   */
  public long commandsSent() {
    return commandsSent;
  }

  public void send(String... args) throws IOException {
    byte[][] bytes = new byte[args.length][];
    for (int i = 0; i < args.length; i++) {
      bytes[i] = args[i].getBytes(StandardCharsets.UTF_8);
    }
    send(bytes);
  }

  public void send(byte[]... args) throws IOException {
    writeCommand(out, args);
    commandsSent++;
  }

  /**
   * Writes a command in RESP to any stream: the form Redis reads, and {@code redis-cli --pipe} too.
   */
  public static void writeCommand(OutputStream to, byte[]... args) throws IOException {
    writeArrayHeader(to, args.length);
    for (byte[] arg : args) {
      writeBulkHeader(to, arg.length);
      to.write(arg);
      to.write(CRLF);
    }
  }

  static void writeArrayHeader(OutputStream to, int count) throws IOException {
    to.write('*');
    to.write(Long.toString(count).getBytes(StandardCharsets.US_ASCII));
    to.write(CRLF);
  }

  static void writeBulkHeader(OutputStream to, long length) throws IOException {
    to.write('$');
    to.write(Long.toString(length).getBytes(StandardCharsets.US_ASCII));
    to.write(CRLF);
  }

  static void writeBulk(OutputStream to, byte[] value) throws IOException {
    writeBulkHeader(to, value.length);
    to.write(value);
    to.write(CRLF);
  }

  /**
   * The raw command stream, for commands whose arguments are streamed ({@link #commandStarted()}
   * counts them).
   */
  OutputStream output() {
    return out;
  }

  void commandStarted() {
    commandsSent++;
  }

  public void flush() throws IOException {
    out.flush();
  }

  /** Sends one command and waits for its reply. */
  public Reply call(String... args) throws IOException {
    send(args);
    flush();
    return read();
  }

  /** Like {@link #call} but an error reply is an exception naming the command. */
  public Reply callOrThrow(String... args) throws IOException {
    Reply reply = call(args);
    if (reply.isError()) {
      throw new RedisException(args[0] + " failed on " + where + ": " + reply.text());
    }
    return reply;
  }

  public Reply read() throws IOException {
    int type = in.read();
    if (type == -1) {
      throw new EOFException("Redis at " + where + " closed the connection");
    }
    String line = readLine();
    return switch (type) {
      case '+', '-' -> new Reply((char) type, line, 0, null, null);
      case ':' -> new Reply(':', null, parseLong(line), null, null);
      case '$' -> {
        long length = parseLong(line);
        if (length < 0) {
          yield new Reply('$', null, 0, null, null);
        }
        byte[] bulk = in.readNBytes(Math.toIntExact(length));
        if (bulk.length < length) {
          throw new EOFException(
              "Redis at " + where + " closed the connection in the middle of a reply");
        }
        expectCrlf();
        yield new Reply('$', null, 0, bulk, null);
      }
      case '*' -> {
        long count = parseLong(line);
        if (count < 0) {
          yield new Reply('*', null, 0, null, null);
        }
        List<Reply> items = new ArrayList<>((int) Math.min(count, 1024));
        for (long i = 0; i < count; i++) {
          items.add(read());
        }
        yield new Reply('*', null, 0, null, items);
      }
      default ->
          throw new IOException(
              "Redis at " + where + " sent a reply of unknown type '" + (char) type + "'");
    };
  }

  /**
   * Reads the head of a bulk reply: its length, or -1 for a null reply. An error reply comes back
   * as a {@link ErrorReply} so that the caller can name what it asked for.
   */
  public long readBulkLength() throws IOException {
    int type = in.read();
    if (type == -1) {
      throw new EOFException("Redis at " + where + " closed the connection");
    }
    String line = readLine();
    if (type == '-') {
      throw new ErrorReply(line);
    }
    if (type != '$') {
      throw new IOException(
          "Redis at "
              + where
              + " sent '"
              + (char) type
              + line
              + "' where a bulk string was expected");
    }
    return parseLong(line);
  }

  /**
   * Copies the body of a bulk reply whose length {@link #readBulkLength()} gave, through a fixed
   * buffer.
   */
  public void copyBulk(long length, OutputStream to) throws IOException {
    byte[] buffer = new byte[(int) Math.min(BUFFER, Math.max(1, length))];
    long left = length;
    while (left > 0) {
      int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (read < 0) {
        throw new EOFException(
            "Redis at " + where + " closed the connection in the middle of a value");
      }
      to.write(buffer, 0, read);
      left -= read;
    }
    expectCrlf();
  }

  private void expectCrlf() throws IOException {
    if (in.read() != '\r' || in.read() != '\n') {
      throw new IOException("Redis at " + where + " sent a reply that does not end with CRLF");
    }
  }

  private String readLine() throws IOException {
    StringBuilder line = new StringBuilder(16);
    int b;
    while ((b = in.read()) != '\r') {
      if (b == -1) {
        throw new EOFException(
            "Redis at " + where + " closed the connection in the middle of a reply");
      }
      line.append((char) b);
    }
    if (in.read() != '\n') {
      throw new IOException("Redis at " + where + " sent a line that does not end with CRLF");
    }
    return line.toString();
  }

  private long parseLong(String line) throws IOException {
    try {
      return Long.parseLong(line);
    } catch (NumberFormatException e) {
      throw new IOException(
          "Redis at " + where + " sent '" + line + "' where a number was expected");
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // nothing left to tell the server
    }
  }

  /** Redis answered a command with an error. */
  public static final class ErrorReply extends IOException {
    public ErrorReply(String message) {
      super(message);
    }
  }
}
