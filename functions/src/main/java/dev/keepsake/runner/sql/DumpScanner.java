package dev.keepsake.runner.sql;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts what a plain SQL dump delivers, line by line: its databases (pg_dumpall's {@code --
 * Database "x" dump} sections, mariadb-dump's {@code -- Current Database: `x`}) and the tables each
 * creates. Only the start of a line matters, so a caller may pass just that.
 */
public final class DumpScanner {
  private static final Pattern POSTGRES_SECTION = Pattern.compile("^-- Database \"(.*)\" dump$");
  private static final Pattern POSTGRES_TABLE = Pattern.compile("^CREATE (UNLOGGED )?TABLE ");
  private static final Pattern MARIADB_SECTION = Pattern.compile("^-- Current Database: `(.*)`$");
  private static final Pattern MARIADB_TABLE = Pattern.compile("^CREATE TABLE ");

  /** pg_restore --list: "215; 1259 16386 TABLE public accounts owner" (not TABLE DATA). */
  private static final Pattern TOC_TABLE = Pattern.compile("^\\d+; \\d+ \\d+ TABLE (?!DATA )");

  /**
   * Where a body begins whose lines are not statements: COPY data, a function, a DELIMITER block.
   */
  private static final Pattern DOLLAR_BODY = Pattern.compile("AS (\\$[A-Za-z_]*\\$)$");

  private final Dialect dialect;

  /** The line that ends the body being skipped, or null outside one. */
  private String bodyEnd;

  private final Map<String, Long> tables = new LinkedHashMap<>();
  private String database;

  /** A plain dump of several databases, or a pg_restore table of contents of one. */
  public enum Dialect {
    POSTGRES,
    MARIADB,
    POSTGRES_TOC
  }

  /**
   * @param database the database a one-database dump belongs to, or null when the dump names them
   */
  public DumpScanner(Dialect dialect, String database) {
    this.dialect = dialect;
    this.database = database;
    if (database != null) {
      tables.put(database, 0L);
    }
  }

  public void line(String line) {
    if (line.isEmpty()) {
      return;
    }
    if (bodyEnd != null) {
      if (line.startsWith(bodyEnd)) {
        bodyEnd = null;
      }
      return;
    }
    if (enteredBody(line)) {
      return;
    }
    char first = line.charAt(0);
    if (first == '-') {
      Matcher section =
          (dialect == Dialect.MARIADB ? MARIADB_SECTION : POSTGRES_SECTION).matcher(line);
      if (dialect != Dialect.POSTGRES_TOC && section.matches()) {
        database =
            dialect == Dialect.MARIADB ? section.group(1).replace("``", "`") : section.group(1);
        tables.putIfAbsent(database, 0L);
      }
    } else if (first == 'C' && database != null && dialect != Dialect.POSTGRES_TOC) {
      if ((dialect == Dialect.MARIADB ? MARIADB_TABLE : POSTGRES_TABLE).matcher(line).lookingAt()) {
        tables.merge(database, 1L, Long::sum);
      }
    } else if (dialect == Dialect.POSTGRES_TOC
        && Character.isDigit(first)
        && database != null
        && TOC_TABLE.matcher(line).lookingAt()) {
      tables.merge(database, 1L, Long::sum);
    }
  }

  private boolean enteredBody(String line) {
    if (dialect == Dialect.POSTGRES) {
      if (line.startsWith("COPY ") && line.endsWith(" FROM stdin;")) {
        bodyEnd = "\\.";
        return true;
      }
      Matcher dollar = DOLLAR_BODY.matcher(line);
      if (dollar.find()) {
        bodyEnd = dollar.group(1);
        return true;
      }
    } else if (dialect == Dialect.MARIADB && line.startsWith("DELIMITER ;;")) {
      bodyEnd = "DELIMITER ;";
      return true;
    }
    return false;
  }

  public TableCounts counts() {
    return new TableCounts(tables);
  }
}
