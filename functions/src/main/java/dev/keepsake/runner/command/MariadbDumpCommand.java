package dev.keepsake.runner.command;

import dev.keepsake.runner.sql.DumpPipe;
import dev.keepsake.runner.sql.DumpScanner;
import dev.keepsake.runner.sql.SqlClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "mariadb-dump",
    sortOptions = false,
    description = {
      "Write a mariadb-dump of databases to stdout (by default every database but mysql, information_schema,",
      "performance_schema and sys). Tables are counted on the server before and after, and in the dump; a dump that",
      "holds fewer than the server beyond what changed meanwhile fails. The password comes from MYSQL_PWD."
    })
final class MariadbDumpCommand implements Callable<Integer> {
  @Option(names = "--host", required = true, description = "The server's host name.")
  String host;

  @Option(names = "--port", defaultValue = "3306", description = "The server's port. Default 3306.")
  String port;

  @Option(names = "--user", required = true, description = "The user to connect as.")
  String user;

  @Option(
      names = "--databases",
      defaultValue = "",
      description = "Space-separated databases; default: every user database.")
  String databases;

  @Parameters(description = "More options for mariadb-dump, after --.")
  List<String> options = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    List<String> connection = List.of("--host=" + host, "--port=" + port, "--user=" + user);
    List<String> client = new ArrayList<>(List.of("mariadb"));
    client.addAll(connection);
    SqlClient server = SqlClient.mariadb(client);
    return SqlDumps.failingOn(
            () -> {
              List<String> chosen =
                  SqlDumps.words(databases).isEmpty()
                      ? server.mariadbUserDatabases()
                      : SqlDumps.words(databases);
              if (chosen.isEmpty()) {
                return RedisDumpCommand.fail(
                    "NothingToBackUp",
                    "the server at " + host + ":" + port + " has no database to back up");
              }
              List<String> dump = new ArrayList<>(List.of("mariadb-dump"));
              dump.addAll(connection);
              dump.addAll(options);
              dump.add("--databases");
              dump.addAll(chosen);
              return SqlDumps.run(
                  "mariadb-dump",
                  () -> server.mariadbTables(chosen),
                  out ->
                      DumpPipe.plain(
                          dump, new DumpScanner(DumpScanner.Dialect.MARIADB, null), out));
            })
        .call();
  }
}
