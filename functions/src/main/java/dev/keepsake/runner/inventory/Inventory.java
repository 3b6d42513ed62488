package dev.keepsake.runner.inventory;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.keepsake.runner.Log;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a dump or a restore counted in the application: keys per database, databases and tables,
 * files. A dump command writes its inventory into the file named by {@value #FILE_ENV}; the runner
 * puts it into the snapshot's tags and the session's status, and a restore compares against it.
 *
 * @param counts named counts, such as {@code keys}, {@code keys.db0}, {@code tables}
 * @param summary one sentence for people: what was counted and how it compares
 * @param partial what part a partial restore chose (one database, a pattern), or null for
 *     everything
 */
public record Inventory(Map<String, Long> counts, String summary, String partial) {
  public static final String FILE_ENV = "KEEPSAKE_INVENTORY_FILE";
  public static final String TAG_PREFIX = "keepsake.dev/";

  public Inventory {
    counts = Map.copyOf(new LinkedHashMap<>(counts));
  }

  /** Writes this inventory where the runner that started this process asked for it, if it did. */
  public void report() {
    String file = System.getenv(FILE_ENV);
    if (file == null || file.isBlank()) {
      return;
    }
    write(Path.of(file));
  }

  /** Writes this inventory into a file for the runner to read. */
  public void write(Path file) {
    try {
      Files.writeString(file, toJson().toString());
    } catch (IOException e) {
      Log.warn("could not write the inventory to %s: %s", file, e.getMessage());
    }
  }

  /**
   * Tells the runner why this dump or restore failed, with a reason of its own ({@code
   * IncompleteDump}, {@code KeyUnreadable}), so the session shows that rather than an exit code.
   */
  public static void reportFailure(String reason, String message) {
    String file = System.getenv(FILE_ENV);
    if (file == null || file.isBlank()) {
      return;
    }
    JsonObject failure = new JsonObject();
    failure.addProperty("reason", reason);
    failure.addProperty("message", message);
    JsonObject json = new JsonObject();
    json.add("failure", failure);
    try {
      Files.writeString(Path.of(file), json.toString());
    } catch (IOException e) {
      Log.warn("could not write the failure to %s: %s", file, e.getMessage());
    }
  }

  /** A failure reported by {@link #reportFailure}: reason and message. */
  public record Failure(String reason, String message) {}

  public static Optional<Failure> readFailure(Path file) {
    if (file == null || !Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      JsonObject json = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
      if (!json.has("failure")) {
        return Optional.empty();
      }
      JsonObject failure = json.getAsJsonObject("failure");
      return Optional.of(
          new Failure(failure.get("reason").getAsString(), failure.get("message").getAsString()));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  public static Optional<Inventory> read(Path file) {
    if (file == null || !Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      JsonObject json = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
      if (!json.has("counts")) {
        return Optional.empty();
      }
      Map<String, Long> counts = new LinkedHashMap<>();
      json.getAsJsonObject("counts")
          .entrySet()
          .forEach(e -> counts.put(e.getKey(), e.getValue().getAsLong()));
      return Optional.of(
          new Inventory(
              counts,
              json.has("summary") ? json.get("summary").getAsString() : null,
              json.has("partial") ? json.get("partial").getAsString() : null));
    } catch (IOException | RuntimeException e) {
      Log.warn("could not read the inventory in %s: %s", file, e.getMessage());
      return Optional.empty();
    }
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    json.add("counts", countsJson());
    if (summary != null) {
      json.addProperty("summary", summary);
    }
    if (partial != null) {
      json.addProperty("partial", partial);
    }
    return json;
  }

  public JsonObject countsJson() {
    JsonObject json = new JsonObject();
    counts.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> json.addProperty(e.getKey(), e.getValue()));
    return json;
  }

  /** The counts as restic tags, {@code keepsake.dev/keys=21000}. */
  public List<String> tags() {
    List<String> tags = new ArrayList<>();
    counts.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> tags.add(TAG_PREFIX + e.getKey() + "=" + e.getValue()));
    return tags;
  }

  /** The counts a snapshot's tags carry; empty when it has none (made before counts were kept). */
  public static Map<String, Long> fromTags(List<String> tags) {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (String tag : tags) {
      int equals = tag.indexOf('=');
      if (tag.startsWith(TAG_PREFIX) && equals > TAG_PREFIX.length()) {
        try {
          counts.put(
              tag.substring(TAG_PREFIX.length(), equals),
              Long.parseLong(tag.substring(equals + 1)));
        } catch (NumberFormatException notACount) {
          // another tag of ours
        }
      }
    }
    return counts;
  }

  /**
   * How a full restore's counts compare with the backup's: null when they agree on every count both
   * have, else the counts that differ.
   */
  public static String mismatch(Map<String, Long> backedUp, Map<String, Long> restored) {
    List<String> differences = new ArrayList<>();
    new java.util.TreeMap<>(backedUp)
        .forEach(
            (name, count) -> {
              Long got = restored.get(name);
              if (got != null && !got.equals(count)) {
                differences.add(name + ": " + count + " backed up, " + got + " restored");
              }
            });
    return differences.isEmpty() ? null : String.join("; ", differences);
  }
}
