package dev.keepsake.runner.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * What a dump delivered against what the server held before and after it. Tables created or dropped
 * during the dump may make them differ, by as much as the server's two counts differ; beyond that,
 * the dump is incomplete.
 */
public final class CensusCheck {
  private CensusCheck() {}

  /**
   * @param incomplete the databases the dump came short of, with their figures; empty when complete
   */
  public record Result(List<String> incomplete, String summary) {
    public boolean complete() {
      return incomplete.isEmpty();
    }
  }

  public static Result compare(TableCounts before, TableCounts after, TableCounts delivered) {
    List<String> incomplete = new ArrayList<>();
    boolean changed = false;
    TreeSet<String> databases = new TreeSet<>(before.tables().keySet());
    databases.retainAll(after.tables().keySet());
    for (String database : databases) {
      long low = Math.min(before.of(database), after.of(database));
      long high = Math.max(before.of(database), after.of(database));
      changed |= high != low;
      if (!delivered.tables().containsKey(database)) {
        incomplete.add(
            String.format(
                Locale.ROOT, "database %s (%,d tables) is not in the dump", database, high));
      } else if (delivered.of(database) < low - (high - low)) {
        incomplete.add(
            String.format(
                Locale.ROOT,
                "database %s: %,d tables in the dump, %,d on the server",
                database,
                delivered.of(database),
                high));
      }
    }
    changed |= !before.tables().keySet().equals(after.tables().keySet());
    String summary =
        delivered.describe()
            + (incomplete.isEmpty()
                ? changed
                    ? "; tables or databases were created or dropped during the dump"
                    : ", as many as the server holds"
                : "; the dump is incomplete: " + String.join("; ", incomplete));
    return new Result(List.copyOf(incomplete), summary);
  }

  /**
   * After a restore: does the server hold, in every database the dump restored, at least the tables
   * the dump created there? (It may hold more that the dump did not drop.)
   */
  public static List<String> shortfalls(TableCounts restored, TableCounts onServer) {
    List<String> shortfalls = new ArrayList<>();
    restored
        .tables()
        .forEach(
            (database, tables) -> {
              if (onServer.of(database) < tables) {
                shortfalls.add(
                    String.format(
                        Locale.ROOT,
                        "database %s: the dump created %,d tables, the server holds %,d",
                        database,
                        tables,
                        onServer.of(database)));
              }
            });
    return shortfalls;
  }
}
