package dev.keepsake.runner.mariadb;

import dev.keepsake.runner.sql.DumpScanner;
import dev.keepsake.runner.sql.TableCounts;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps one database (or all) of a mariadb-dump/mysqldump script made with --databases or
 * --all-databases: the session settings at its top, and every section that begins with that
 * database's "-- Current Database" comment (a database's views come in a second section near the
 * end).
 */
public final class DatabaseSectionFilter {
  private static final Pattern SECTION = Pattern.compile("^-- Current Database: `(.*)`$");

  private final String database;
  private final DumpScanner scanner = new DumpScanner(DumpScanner.Dialect.MARIADB, null);
  private int sectionsKept;

  /**
   * @param database the one database to keep, or null for all
   */
  public DatabaseSectionFilter(String database) {
    this.database = database;
  }

  /** The databases and tables of the script that went on to the client. */
  public TableCounts passed() {
    return scanner.counts();
  }

  public int sectionsKept() {
    return sectionsKept;
  }

  public void filter(InputStream input, OutputStream output) throws IOException {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(input, StandardCharsets.ISO_8859_1), 1 << 16);
    BufferedWriter out =
        new BufferedWriter(new OutputStreamWriter(output, StandardCharsets.ISO_8859_1), 1 << 16);
    boolean keep = true;
    String line;
    while ((line = in.readLine()) != null) {
      Matcher section = SECTION.matcher(line);
      if (section.matches()) {
        keep = database == null || utf8(section.group(1)).replace("``", "`").equals(database);
        if (keep) {
          sectionsKept++;
        }
      }
      if (keep) {
        scanner.line(line.startsWith("--") ? utf8(line) : line);
        out.write(line);
        out.write('\n');
      }
    }
    out.flush();
  }

  /** Lines are read byte for byte (any encoding passes through unchanged); names are UTF-8. */
  private static String utf8(String bytes) {
    return new String(bytes.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
  }
}
