package dev.keepsake.runner.command;

import dev.keepsake.runner.Log;
import dev.keepsake.runner.mariadb.DatabaseSectionFilter;
import dev.keepsake.runner.sql.SqlClient;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "mariadb-filter",
    sortOptions = false,
    description = {
      "Feed the mariadb client one database of a mariadb-dump script on stdin, or all of it.",
      "Exits with the command's exit code."
    })
final class MariadbFilterCommand implements Callable<Integer> {
  @Option(
      names = "--database",
      defaultValue = "all",
      description = "Only this database of the dump, or 'all' (default).")
  String database;

  @Parameters(
      arity = "1..*",
      description = "The command that receives the script (mariadb ...), after --.")
  List<String> command;

  @Override
  public Integer call() throws IOException, InterruptedException {
    boolean all = database.equals("all");
    DatabaseSectionFilter filter = new DatabaseSectionFilter(all ? null : database);
    int exit = FilteredInput.run(command, filter::filter);
    if (exit == 0 && !all && filter.sectionsKept() == 0) {
      Log.error("the dump has no database named %s; nothing was restored", database);
      return 3;
    }
    List<String> client = new java.util.ArrayList<>(List.of(command.get(0)));
    client.addAll(SqlClient.connectionOptions(command));
    SqlClient server = SqlClient.mariadb(client);
    return SqlDumps.judgeRestore(
        exit,
        command.get(0),
        filter.passed(),
        () -> server.mariadbTables(List.copyOf(filter.passed().tables().keySet())),
        all ? null : "database " + database);
  }
}
