package dev.keepsake.runner.command;

import dev.keepsake.runner.Log;
import dev.keepsake.runner.postgres.DumpallFilter;
import dev.keepsake.runner.sql.DumpPipe;
import dev.keepsake.runner.sql.SqlClient;
import dev.keepsake.runner.sql.TableCounts;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "postgres-filter",
    sortOptions = false,
    description = {
      "Feed psql a pg_dumpall script on stdin so that it restores with ON_ERROR_STOP: roles created if missing",
      "and never dropped; optionally one database only, or no roles. Exits with the command's exit code."
    })
final class PostgresFilterCommand implements Callable<Integer> {
  @Option(
      names = "--database",
      defaultValue = "all",
      description = "Only this database of a pg_dumpall script, or 'all' (default).")
  String database;

  @Option(names = "--no-roles", description = "Leave out the script's roles and role memberships.")
  boolean noRoles;

  @Option(
      names = "--archive",
      description =
          "The input is a pg_dump custom-format archive for pg_restore, passed on as it is.")
  boolean archive;

  @Parameters(
      arity = "1..*",
      description = "The command that receives the script (psql ...), after --.")
  List<String> command;

  @Override
  public Integer call() throws IOException, InterruptedException {
    SqlClient server = SqlClient.postgres(SqlClient.connectionOptions(command));
    if (archive) {
      TableCounts[] passed = {null};
      int exit =
          FilteredInput.run(
              command, (in, out) -> passed[0] = DumpPipe.copyArchive(in, out, database));
      boolean oneSchema =
          command.stream().anyMatch(a -> a.startsWith("--schema=") || a.equals("-n"));
      return SqlDumps.judgeRestore(
          exit,
          command.get(0),
          passed[0],
          () -> server.postgresTables(List.of(database)),
          oneSchema ? "one schema" : null);
    }
    DumpallFilter filter = new DumpallFilter(database.equals("all") ? null : database, !noRoles);
    int exit = FilteredInput.run(command, filter::filter);
    if (exit == 0 && !database.equals("all") && filter.sectionsKept() == 0) {
      Log.error("the dump has no database named %s; nothing was restored", database);
      return 3;
    }
    return SqlDumps.judgeRestore(
        exit,
        command.get(0),
        filter.passed(),
        () -> server.postgresTables(List.copyOf(filter.passed().tables().keySet())),
        database.equals("all") ? null : "database " + database);
  }
}
