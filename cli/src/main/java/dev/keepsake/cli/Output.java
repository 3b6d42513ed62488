package dev.keepsake.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine.Option;

/** -o json|yaml for read commands, and the tables and times they print otherwise. */
final class Output {
  enum Format {
    table,
    json,
    yaml
  }

  /** The option every read command mixes in. */
  static final class Options {
    @Option(
        names = {"-o", "--output"},
        paramLabel = "FORMAT",
        defaultValue = "table",
        description = "table (default), json or yaml.")
    Format format;
  }

  private static final com.google.gson.Gson PRETTY =
      dev.keepsake.api.Manifests.gson()
          .newBuilder()
          .setPrettyPrinting()
          .disableHtmlEscaping()
          .create();
  private static final DateTimeFormatter LOCAL =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z");

  private Output() {}

  static void print(PrintWriter out, Format format, JsonElement document) {
    if (format == Format.yaml) {
      DumperOptions options = new DumperOptions();
      options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
      options.setIndicatorIndent(0);
      out.print(new Yaml(options).dump(plain(document)));
    } else {
      out.println(PRETTY.toJson(document));
    }
    out.flush();
  }

  private static Object plain(JsonElement element) {
    if (element == null || element.isJsonNull()) {
      return null;
    }
    if (element instanceof JsonObject object) {
      Map<String, Object> map = new LinkedHashMap<>();
      object.entrySet().forEach(entry -> map.put(entry.getKey(), plain(entry.getValue())));
      return map;
    }
    if (element instanceof JsonArray array) {
      List<Object> list = new ArrayList<>();
      array.forEach(item -> list.add(plain(item)));
      return list;
    }
    JsonPrimitive primitive = element.getAsJsonPrimitive();
    if (primitive.isBoolean()) {
      return primitive.getAsBoolean();
    }
    if (primitive.isNumber()) {
      return primitive.getAsString().contains(".")
          ? primitive.getAsDouble()
          : primitive.getAsLong();
    }
    return primitive.getAsString();
  }

  /** Columns padded to their widest cell, kubectl style. */
  static void table(PrintWriter out, List<String> header, List<List<String>> rows) {
    int[] widths = new int[header.size()];
    List<List<String>> all = new ArrayList<>();
    all.add(header);
    all.addAll(rows);
    for (List<String> row : all) {
      for (int i = 0; i < row.size(); i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    for (List<String> row : all) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        line.append(
            i == row.size() - 1
                ? row.get(i)
                : String.format("%-" + (widths[i] + 3) + "s", row.get(i)));
      }
      out.println(line.toString().stripTrailing());
    }
    out.flush();
  }

  static String or(String value) {
    return value == null || value.isBlank() ? "-" : value;
  }

  /** A time as the user's clock shows it, with how long ago or how soon. */
  static String when(OffsetDateTime time, OffsetDateTime now) {
    if (time == null) {
      return "-";
    }
    Duration delta = Duration.between(time, now);
    String relative = delta.isNegative() ? "in " + age(delta.negated()) : age(delta) + " ago";
    return time.atZoneSameInstant(ZoneId.systemDefault()).format(LOCAL) + " (" + relative + ")";
  }

  static String age(OffsetDateTime time, OffsetDateTime now) {
    return time == null ? "-" : age(Duration.between(time, now));
  }

  /** kubectl's short ages: 45s, 12m, 3h, 5d. */
  static String age(Duration duration) {
    long seconds = Math.max(0, duration.getSeconds());
    if (seconds < 120) {
      return seconds + "s";
    }
    if (seconds < 2 * 3600) {
      return seconds / 60 + "m";
    }
    if (seconds < 2 * 86400) {
      return seconds / 3600 + "h";
    }
    return seconds / 86400 + "d";
  }
}
