package dev.keepsake.runner.redis;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Passes on the commands of a RESP stream (a logical Redis dump) that belong to the chosen database
 * and whose key matches a Redis glob pattern. SELECT commands pass when their database is wanted;
 * every other command's key is its first argument. Keys and values are bytes, never decoded as text.
 */
public final class RespFilter {
  private final Integer database;
  private final Pattern keys;
  private long passed;
  private long dropped;

  /**
   * @param database only this database's commands, or null for all
   * @param keyPattern a Redis glob ({@code *}, {@code ?}, {@code [abc]}, {@code [^a]}, {@code \} escapes)
   */
  public RespFilter(Integer database, String keyPattern) {
    this.database = database;
    this.keys = Pattern.compile(globToRegex(keyPattern), Pattern.DOTALL);
  }

  public boolean passesEverything() {
    return database == null && keys.pattern().equals(".*");
  }

  public long passed() {
    return passed;
  }

  public long dropped() {
    return dropped;
  }

  public void filter(InputStream input, OutputStream output) throws IOException {
    BufferedInputStream in = new BufferedInputStream(input, 1 << 16);
    BufferedOutputStream out = new BufferedOutputStream(output, 1 << 16);
    boolean inWantedDatabase = database == null;
    List<byte[]> arguments;
    while ((arguments = readCommand(in)) != null) {
      String name = new String(arguments.get(0), StandardCharsets.ISO_8859_1).toUpperCase(java.util.Locale.ROOT);
      boolean pass;
      if (name.equals("SELECT") && arguments.size() == 2) {
        int selected = Integer.parseInt(new String(arguments.get(1), StandardCharsets.US_ASCII));
        inWantedDatabase = database == null || database == selected;
        pass = inWantedDatabase;
      } else {
        pass = inWantedDatabase && arguments.size() > 1
            && keys.matcher(new String(arguments.get(1), StandardCharsets.ISO_8859_1)).matches();
      }
      if (pass) {
        write(out, arguments);
        passed++;
      } else {
        dropped++;
      }
    }
    out.flush();
  }

  private static List<byte[]> readCommand(InputStream in) throws IOException {
    int first = in.read();
    if (first == -1) {
      return null;
    }
    if (first != '*') {
      throw new MalformedDump("not a RESP array: the dump is not in redis-dump-go's resp format");
    }
    int count = Integer.parseInt(readLine(in));
    List<byte[]> arguments = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      if (in.read() != '$') {
        throw new MalformedDump("a RESP bulk string was expected");
      }
      int length = Integer.parseInt(readLine(in));
      byte[] bytes = in.readNBytes(length);
      if (bytes.length < length || in.read() != '\r' || in.read() != '\n') {
        throw new MalformedDump("the dump ends in the middle of a command");
      }
      arguments.add(bytes);
    }
    return arguments;
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(16);
    int b;
    while ((b = in.read()) != '\r') {
      if (b == -1) {
        throw new MalformedDump("the dump ends in the middle of a command");
      }
      line.write(b);
    }
    if (in.read() != '\n') {
      throw new MalformedDump("a RESP line must end with CRLF");
    }
    return line.toString(StandardCharsets.US_ASCII);
  }

  private static void write(OutputStream out, List<byte[]> arguments) throws IOException {
    out.write(('*' + Integer.toString(arguments.size()) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    for (byte[] argument : arguments) {
      out.write(('$' + Integer.toString(argument.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(argument);
      out.write('\r');
      out.write('\n');
    }
  }

  /** Redis' glob syntax as a Java regex over ISO-8859-1 text, where each char is one byte. */
  static String globToRegex(String glob) {
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      switch (c) {
        case '*' -> regex.append(".*");
        case '?' -> regex.append('.');
        case '\\' -> {
          if (i + 1 < glob.length()) {
            regex.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
          }
        }
        case '[' -> {
          int end = glob.indexOf(']', i + 2);
          if (end < 0) {
            regex.append(Pattern.quote("["));
          } else {
            String set = glob.substring(i + 1, end);
            boolean negated = set.startsWith("^");
            regex.append('[').append(negated ? "^" : "")
                .append(set.substring(negated ? 1 : 0).replace("\\", "\\\\").replace("[", "\\[").replace("&", "\\&")).append(']');
            i = end;
          }
        }
        default -> regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return regex.toString();
  }

  /** The input is not a whole RESP dump: filtering stops rather than restore part of it quietly. */
  public static final class MalformedDump extends IOException {
    MalformedDump(String message) {
      super(message);
    }
  }
}
