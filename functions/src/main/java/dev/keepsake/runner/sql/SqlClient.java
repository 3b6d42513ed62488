package dev.keepsake.runner.sql;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Asks a database server how many tables it holds, through its own client program (psql, mariadb)
 * and with the same connection and credentials as the dump or restore beside it.
 */
public final class SqlClient {
  private static final String POSTGRES_TABLES =
      "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
          + " WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
          + " AND n.nspname !~ '^pg_(toast|temp_)' AND NOT EXISTS (SELECT 1 FROM pg_depend d"
          + " WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')";
  private static final String POSTGRES_DATABASES =
      "SELECT datname FROM pg_database WHERE datallowconn ORDER BY 1";
  private static final String MARIADB_USER_DATABASES =
      "SELECT schema_name FROM information_schema.schemata"
          + " WHERE schema_name NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys') ORDER BY 1";

  private final Function<String, List<String>> psqlFor;
  private final List<String> mariadb;

  private SqlClient(Function<String, List<String>> psqlFor, List<String> mariadb) {
    this.psqlFor = psqlFor;
    this.mariadb = mariadb;
  }

  /**
   * psql with these connection arguments (--host=..., --port=...); the rest comes from PG*
   * variables.
   */
  public static SqlClient postgres(List<String> connection) {
    return new SqlClient(
        database -> {
          List<String> argv =
              new ArrayList<>(
                  List.of(
                      "psql",
                      "--no-psqlrc",
                      "--no-password",
                      "--tuples-only",
                      "--no-align",
                      "--set=ON_ERROR_STOP=1"));
          argv.addAll(connection);
          argv.add("--dbname=" + database);
          return argv;
        },
        null);
  }

  /** The mariadb client as given (connection and user); the password comes from MYSQL_PWD. */
  public static SqlClient mariadb(List<String> client) {
    return new SqlClient(null, List.copyOf(client));
  }

  /** The connection options among a client's or dump tool's arguments: host, port, user, socket. */
  public static List<String> connectionOptions(List<String> arguments) {
    return arguments.stream()
        .filter(a -> a.matches("--(host|port|user|username|socket)=.*"))
        .toList();
  }

  public List<String> postgresDatabases() {
    return query(psqlFor.apply("postgres"), POSTGRES_DATABASES);
  }

  public TableCounts postgresTables(List<String> databases) {
    Map<String, Long> tables = new LinkedHashMap<>();
    for (String database : databases) {
      List<String> rows = query(psqlFor.apply(database), POSTGRES_TABLES);
      tables.put(database, rows.isEmpty() ? 0 : Long.parseLong(rows.get(0).trim()));
    }
    return new TableCounts(tables);
  }

  public List<String> mariadbUserDatabases() {
    return query(mariadbQuery(MARIADB_USER_DATABASES), null);
  }

  public TableCounts mariadbTables(List<String> databases) {
    Map<String, Long> tables = new LinkedHashMap<>();
    databases.forEach(database -> tables.put(database, 0L));
    if (databases.isEmpty()) {
      return new TableCounts(tables);
    }
    String names = String.join(", ", databases.stream().map(SqlClient::literal).toList());
    String sql =
        "SELECT table_schema, count(*) FROM information_schema.tables WHERE table_type IN ('BASE TABLE',"
            + " 'SYSTEM VERSIONED') AND table_schema IN ("
            + names
            + ") GROUP BY table_schema";
    for (String row : query(mariadbQuery(sql), null)) {
      String[] columns = row.split("\t");
      if (columns.length == 2) {
        tables.put(columns[0], Long.parseLong(columns[1].trim()));
      }
    }
    return new TableCounts(tables);
  }

  private List<String> mariadbQuery(String sql) {
    List<String> argv = new ArrayList<>(mariadb);
    argv.addAll(List.of("--batch", "--skip-column-names", "--raw", "--execute=" + sql));
    return argv;
  }

  private static String literal(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
  }

  /** Runs a client; its output rows, or an error with the client's own words. */
  private static List<String> query(List<String> argv, String sql) {
    List<String> command = new ArrayList<>(argv);
    if (sql != null) {
      command.add("--command=" + sql);
    }
    try {
      Process client =
          new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE).start();
      client.getOutputStream().close();
      CompletableFuture<byte[]> stderr =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return client.getErrorStream().readAllBytes();
                } catch (IOException e) {
                  return new byte[0];
                }
              });
      String out = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int exit = client.waitFor();
      if (exit != 0) {
        throw new CensusFailed(
            command.get(0)
                + " could not count the tables (exit "
                + exit
                + "): "
                + new String(stderr.join(), StandardCharsets.UTF_8).strip());
      }
      return out.lines().filter(line -> !line.isBlank()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command.get(0) + " to count the tables", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CensusFailed("interrupted while counting the tables");
    }
  }

  /** The server could not be asked. */
  public static final class CensusFailed extends RuntimeException {
    public CensusFailed(String message) {
      super(message);
    }
  }
}
