package dev.keepsake.runner.postgres;

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
 * Makes a pg_dumpall script restorable with psql's ON_ERROR_STOP, so a restore stops at the first
 * real error instead of reporting success over a half-restored cluster:
 *
 * <ul>
 *   <li>roles are never dropped (the restoring user cannot drop itself, and a role may own objects
 *       in databases that are not restored); {@code CREATE ROLE x;} becomes create-if-missing, and
 *       the dump's {@code ALTER ROLE} then sets its attributes;
 *   <li>with a database chosen, only that database's section is kept, and the cluster preamble
 *       drops no other database;
 *   <li>with roles left out, the preamble's role statements go.
 * </ul>
 *
 * A plain pg_dump script (one database) has no cluster sections and passes through unchanged.
 */
public final class DumpallFilter {
  private static final Pattern SECTION = Pattern.compile("^-- Database \"(.*)\" dump$");
  private static final Pattern DROP_DATABASE = Pattern.compile("^DROP DATABASE IF EXISTS (.+);$");
  private static final Pattern CREATE_ROLE = Pattern.compile("^CREATE ROLE (.+);$");
  private static final Pattern ROLE_STATEMENT =
      Pattern.compile("^(CREATE ROLE|ALTER ROLE|DROP ROLE|GRANT) .*");

  private final String database;
  private final boolean roles;
  private final DumpScanner scanner = new DumpScanner(DumpScanner.Dialect.POSTGRES, null);
  private int sectionsKept;

  /**
   * @param database the one database to keep, or null for all
   */
  public DumpallFilter(String database, boolean roles) {
    this.database = database;
    this.roles = roles;
  }

  /** The databases and tables of the script that went on to psql. */
  public TableCounts passed() {
    return scanner.counts();
  }

  /** How many database sections were restored. */
  public int sectionsKept() {
    return sectionsKept;
  }

  public void filter(InputStream input, OutputStream output) throws IOException {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(input, StandardCharsets.ISO_8859_1), 1 << 16);
    BufferedWriter out =
        new BufferedWriter(new OutputStreamWriter(output, StandardCharsets.ISO_8859_1), 1 << 16);
    boolean preamble = true;
    boolean keep = true;
    String line;
    while ((line = in.readLine()) != null) {
      Matcher section = SECTION.matcher(line);
      if (section.matches()) {
        preamble = false;
        keep = database == null || database.equals(utf8(section.group(1)));
        if (keep) {
          sectionsKept++;
        }
      } else if (line.equals("-- PostgreSQL database cluster dump complete")) {
        keep = true;
      }
      String kept = keep ? preamble ? preambleLine(line) : line : null;
      if (kept != null) {
        scanner.line(kept.startsWith("--") ? utf8(kept) : kept);
        out.write(kept);
        out.write('\n');
      }
    }
    out.flush();
  }

  private String preambleLine(String line) {
    if (!roles && ROLE_STATEMENT.matcher(line).matches()) {
      return null;
    }
    if (line.startsWith("DROP ROLE IF EXISTS ")) {
      return null;
    }
    Matcher createRole = CREATE_ROLE.matcher(line);
    if (createRole.matches()) {
      return "DO $keepsake$ BEGIN CREATE ROLE "
          + createRole.group(1)
          + "; EXCEPTION WHEN duplicate_object THEN NULL; END $keepsake$;";
    }
    Matcher drop = DROP_DATABASE.matcher(line);
    if (database != null && drop.matches() && !utf8(unquote(drop.group(1))).equals(database)) {
      return null;
    }
    return line;
  }

  private static String unquote(String identifier) {
    return identifier.startsWith("\"") && identifier.endsWith("\"")
        ? identifier.substring(1, identifier.length() - 1).replace("\"\"", "\"")
        : identifier;
  }

  /** Lines are read byte for byte (any encoding passes through unchanged); names are UTF-8. */
  private static String utf8(String bytes) {
    return new String(bytes.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
  }
}
