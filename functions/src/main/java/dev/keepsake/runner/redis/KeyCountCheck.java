package dev.keepsake.runner.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether a dump holds every key Redis held, allowing only for what other clients and expiry
 * changed while it ran. SCAN returns every key that exists from its start to its end, so a key that
 * existed all along and is not in the dump is lost; writes, expirations and evictions during the
 * dump are the only other way for the counts to differ.
 */
public final class KeyCountCheck {
  /**
   * One database's figures: keys Redis counted before and after, keys dumped, keys that vanished
   * between SCAN and DUMP.
   */
  public record DatabaseCount(int database, long before, long after, long dumped, long vanished) {
    long missing() {
      return Math.max(0, Math.min(before, after) - dumped - vanished);
    }
  }

  private KeyCountCheck() {}

  /**
   * How many keys other clients and Redis itself may have removed while the dump ran: its change
   * counter (reset by a save, in which case every command of another client counts as a possible
   * write), plus expirations and evictions.
   */
  public static long changesDuring(ServerInfo before, ServerInfo after, long ownCommands) {
    long expired = delta(before, after, "expired_keys");
    long evicted = delta(before, after, "evicted_keys");
    long changesBefore = before.counter("rdb_changes_since_last_save");
    long changesAfter = after.counter("rdb_changes_since_last_save");
    boolean saved =
        before.counter("rdb_last_save_time") != after.counter("rdb_last_save_time")
            || changesAfter < changesBefore;
    long writes =
        saved || changesBefore < 0
            ? Math.max(0, delta(before, after, "total_commands_processed") - ownCommands)
            : changesAfter - changesBefore;
    return writes + expired + evicted;
  }

  private static long delta(ServerInfo before, ServerInfo after, String counter) {
    long from = before.counter(counter);
    long to = after.counter(counter);
    return from < 0 || to < 0 ? 0 : Math.max(0, to - from);
  }

  /** Empty when the dump is complete; otherwise the figures that show it is not. */
  public static Optional<String> shortfall(List<DatabaseCount> counts, long changesDuring) {
    long missing = counts.stream().mapToLong(DatabaseCount::missing).sum();
    if (missing <= changesDuring) {
      return Optional.empty();
    }
    List<String> lines = new ArrayList<>();
    for (DatabaseCount count : counts) {
      if (count.missing() > 0) {
        lines.add(
            String.format(
                Locale.ROOT,
                "database %d held %,d keys when the dump began and %,d when it ended, but the dump has %,d (and %,d vanished while it ran)",
                count.database(),
                count.before(),
                count.after(),
                count.dumped(),
                count.vanished()));
      }
    }
    return Optional.of(
        String.join("; ", lines)
            + String.format(
                Locale.ROOT,
                ": %,d keys are missing, more than the %,d writes, expirations and evictions Redis counted meanwhile",
                missing,
                changesDuring));
  }
}
