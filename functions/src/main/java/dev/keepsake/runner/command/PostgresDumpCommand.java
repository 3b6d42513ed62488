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
    name = "postgres-dump",
    sortOptions = false,
    description = {
      "Write a dump of PostgreSQL to stdout: pg_dumpall of the whole cluster, or pg_dump --format=custom of one",
      "database. The tables of every database are counted on the server before and after, and in the dump; a dump",
      "that holds fewer than the server beyond what changed meanwhile fails. Password and user from PG* variables."
    })
final class PostgresDumpCommand implements Callable<Integer> {
  @Option(names = "--host", required = true, description = "The server's host name.")
  String host;

  @Option(names = "--port", defaultValue = "5432", description = "The server's port. Default 5432.")
  String port;

  @Option(
      names = "--database",
      description = "One database, dumped by pg_dump in custom format; default: the whole cluster.")
  String database;

  @Parameters(description = "More options for pg_dumpall or pg_dump, after --.")
  List<String> options = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    List<String> connection = List.of("--host=" + host, "--port=" + port);
    SqlClient server = SqlClient.postgres(connection);
    return SqlDumps.failingOn(
            () -> {
              if (database == null || database.isBlank()) {
                List<String> dump = new ArrayList<>(List.of("pg_dumpall", "--no-password"));
                dump.addAll(connection);
                dump.addAll(options);
                return SqlDumps.run(
                    "pg_dumpall",
                    () -> server.postgresTables(server.postgresDatabases()),
                    out ->
                        DumpPipe.plain(
                            dump, new DumpScanner(DumpScanner.Dialect.POSTGRES, null), out));
              }
              List<String> dump =
                  new ArrayList<>(
                      List.of(
                          "pg_dump", "--no-password", "--format=custom", "--dbname=" + database));
              dump.addAll(connection);
              dump.addAll(options);
              return SqlDumps.run(
                  "pg_dump",
                  () -> server.postgresTables(List.of(database)),
                  out -> DumpPipe.archive(dump, database, out));
            })
        .call();
  }
}
