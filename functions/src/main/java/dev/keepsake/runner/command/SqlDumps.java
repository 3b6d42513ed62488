package dev.keepsake.runner.command;

import dev.keepsake.runner.Log;
import dev.keepsake.runner.inventory.Inventory;
import dev.keepsake.runner.sql.CensusCheck;
import dev.keepsake.runner.sql.DumpPipe;
import dev.keepsake.runner.sql.TableCounts;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/** A SQL dump between two counts of the server's tables, judged by what it delivered. */
final class SqlDumps {
  private SqlDumps() {}

  /** Runs the dump to stdout; how it delivered what it did. */
  @FunctionalInterface
  interface Dump {
    DumpPipe.Outcome run(OutputStream out) throws IOException, InterruptedException;
  }

  /**
   * @param census counts the server's tables (before and after the dump)
   * @param tool the dump tool's name, for messages
   */
  static int run(String tool, Supplier<TableCounts> census, Dump dump)
      throws IOException, InterruptedException {
    TableCounts before = census.get();
    DumpPipe.Outcome outcome;
    try (OutputStream out =
        new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16)) {
      outcome = dump.run(out);
    }
    if (outcome.exit() != 0) {
      Log.error("%s failed with exit code %d", tool, outcome.exit());
      return outcome.exit();
    }
    TableCounts after = census.get();
    CensusCheck.Result check = CensusCheck.compare(before, after, outcome.delivered());
    if (!check.complete()) {
      return RedisDumpCommand.fail("IncompleteDump", tool + " exited 0, but " + check.summary());
    }
    new Inventory(outcome.delivered().inventory(), check.summary(), null).report();
    Log.info("dumped %s", check.summary());
    return 0;
  }

  static Callable<Integer> failingOn(Callable<Integer> body) {
    return () -> {
      try {
        return body.call();
      } catch (dev.keepsake.runner.sql.SqlClient.CensusFailed e) {
        return RedisDumpCommand.fail("CensusFailed", e.getMessage());
      }
    };
  }

  static List<String> words(String names) {
    return names == null || names.isBlank() ? List.of() : List.of(names.trim().split("\\s+"));
  }

  /**
   * After a restore client exited: did the server get every table the script created? The counts of
   * what went through go to the runner, which compares them with the snapshot's.
   */
  static int judgeRestore(
      int exit, String client, TableCounts passed, Supplier<TableCounts> onServer, String partial) {
    if (exit != 0) {
      return exit;
    }
    try {
      List<String> shortfalls = CensusCheck.shortfalls(passed, onServer.get());
      if (!shortfalls.isEmpty()) {
        return RedisDumpCommand.fail(
            "IncompleteRestore", client + " exited 0, but " + String.join("; ", shortfalls));
      }
    } catch (dev.keepsake.runner.sql.SqlClient.CensusFailed e) {
      return RedisDumpCommand.fail("CensusFailed", "the restore finished, but " + e.getMessage());
    }
    new Inventory(
            passed.inventory(), passed.describe() + " restored, all of them on the server", partial)
        .report();
    return 0;
  }
}
