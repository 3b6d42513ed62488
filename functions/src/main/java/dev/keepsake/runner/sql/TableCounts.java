package dev.keepsake.runner.sql;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Tables per database, as a dump delivered them or as a server holds them. */
public record TableCounts(Map<String, Long> tables) {
  public TableCounts {
    tables = Collections.unmodifiableMap(new TreeMap<>(tables));
  }

  public long total() {
    return tables.values().stream().mapToLong(Long::longValue).sum();
  }

  public int databases() {
    return tables.size();
  }

  public long of(String database) {
    return tables.getOrDefault(database, 0L);
  }

  /** The counts an inventory keeps, in the snapshot's tags and the session's status. */
  public Map<String, Long> inventory() {
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("databases", (long) databases());
    counts.put("tables", total());
    return counts;
  }

  public String describe() {
    return String.format(
        Locale.ROOT,
        "%,d table%s in %d database%s",
        total(),
        total() == 1 ? "" : "s",
        databases(),
        databases() == 1 ? "" : "s");
  }
}
