package dev.keepsake.runner.mariadb;

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
 * Keeps one database of a mariadb-dump/mysqldump script made with --databases or --all-databases:
 * the session settings at its top, and every section that begins with that database's
 * "-- Current Database" comment (a database's views come in a second section near the end).
 */
public final class DatabaseSectionFilter {
  private static final Pattern SECTION = Pattern.compile("^-- Current Database: `(.*)`$");

  private final String database;
  private int sectionsKept;

  public DatabaseSectionFilter(String database) {
    this.database = database;
  }

  public int sectionsKept() {
    return sectionsKept;
  }

  public void filter(InputStream input, OutputStream output) throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(input, StandardCharsets.UTF_8), 1 << 16);
    BufferedWriter out = new BufferedWriter(new OutputStreamWriter(output, StandardCharsets.UTF_8), 1 << 16);
    boolean keep = true;
    String line;
    while ((line = in.readLine()) != null) {
      Matcher section = SECTION.matcher(line);
      if (section.matches()) {
        keep = section.group(1).replace("``", "`").equals(database);
        if (keep) {
          sectionsKept++;
        }
      }
      if (keep) {
        out.write(line);
        out.write('\n');
      }
    }
    out.flush();
  }
}
