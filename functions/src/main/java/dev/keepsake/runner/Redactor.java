package dev.keepsake.runner;

import dev.keepsake.restic.ResticRepository;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Removes credential values from text before it reaches a log, a status, an Event or a metric: the
 * repository's keys, every environment variable the operator says came from a Secret ({@value
 * #SECRET_ENV}), and the files of Secret volumes ({@value #SECRET_FILES}); each as written,
 * URL-encoded and JSON-escaped.
 */
public final class Redactor {
  /** Names of environment variables whose values come from Secrets, comma-separated. */
  public static final String SECRET_ENV = "KEEPSAKE_SECRET_ENV";

  /** Folders where Secret volumes are mounted, comma-separated. */
  public static final String SECRET_FILES = "KEEPSAKE_SECRET_FILES";

  private static final String MASK = "***";

  /** Shorter values are masked only as whole words: inside words they would mask ordinary text. */
  private static final int MIN_ANYWHERE_LENGTH = 4;

  /**
   * A line of a multi-line secret masked on its own; shorter lines (a PEM block's last) would mask
   * ordinary text.
   */
  private static final int MIN_LINE_LENGTH = 8;

  private static final long MAX_SECRET_FILE_BYTES = 64 * 1024;
  private static final Pattern URL_CREDENTIALS = Pattern.compile("(://)[^/\\s@]*:[^/\\s@]+@");
  private final List<String> anywhere;
  private final List<Pattern> wholeWords;

  private Redactor(List<String> anywhere, List<Pattern> wholeWords) {
    this.anywhere = anywhere;
    this.wholeWords = wholeWords;
  }

  public static Redactor forEnvironment(
      Map<String, String> environment, List<String> extraSecrets) {
    Set<String> values = new LinkedHashSet<>();
    ResticRepository.SECRET_KEYS.stream().map(environment::get).forEach(values::add);
    names(environment.get(SECRET_ENV)).map(environment::get).forEach(values::add);
    names(environment.get(SECRET_FILES)).flatMap(Redactor::fileContents).forEach(values::add);
    values.addAll(extraSecrets);
    Set<String> forms = new LinkedHashSet<>();
    for (String value : values) {
      if (value != null && !value.isEmpty()) {
        forms.addAll(formsOf(value));
        if (!value.strip().isEmpty() && !value.strip().equals(value)) {
          forms.addAll(formsOf(value.strip()));
        }
        // Output is read line by line: a key file or a PEM block is masked line by line too.
        value
            .lines()
            .map(String::strip)
            .filter(line -> line.length() >= MIN_LINE_LENGTH && !line.equals(value.strip()))
            .forEach(line -> forms.addAll(formsOf(line)));
      }
    }
    // Longest first, so a secret that contains another is masked whole.
    List<String> sorted =
        forms.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
    return new Redactor(
        sorted.stream().filter(v -> v.length() >= MIN_ANYWHERE_LENGTH).toList(),
        sorted.stream()
            .filter(v -> v.length() < MIN_ANYWHERE_LENGTH)
            .map(v -> Pattern.compile("(?<![\\p{Alnum}])" + Pattern.quote(v) + "(?![\\p{Alnum}])"))
            .toList());
  }

  /**
   * The value as written, as a URL would carry it, as a JSON string would (with and without HTML
   * escaping: Java's Gson escapes = and &, Go's encoders only &), and in base64.
   */
  static List<String> formsOf(String value) {
    List<String> forms = new ArrayList<>(List.of(value));
    String formEncoded = URLEncoder.encode(value, StandardCharsets.UTF_8);
    forms.add(formEncoded);
    forms.add(formEncoded.replace("+", "%20"));
    for (com.google.gson.Gson gson :
        List.of(
            new com.google.gson.Gson(),
            new com.google.gson.GsonBuilder().disableHtmlEscaping().create())) {
      String json = gson.toJson(value);
      forms.add(json.substring(1, json.length() - 1));
    }
    forms.add(
        value
            .replace("\\", "\\\\")
            .replace("\"", "\\\"")
            .replace("&", "\\u0026")
            .replace("<", "\\u003c")
            .replace(">", "\\u003e"));
    forms.add(value.replace("\\", "\\\\").replace("\"", "\\\""));
    if (value.length() >= MIN_ANYWHERE_LENGTH) {
      forms.add(
          java.util.Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)));
    }
    return forms.stream().distinct().toList();
  }

  private static Stream<String> names(String commaSeparated) {
    return commaSeparated == null
        ? Stream.empty()
        : Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(n -> !n.isEmpty());
  }

  private static Stream<String> fileContents(String folder) {
    try (Stream<Path> files = Files.walk(Path.of(folder), 3)) {
      List<String> contents = new ArrayList<>();
      // Secret volumes hold their files behind ..data links; following them reads each key once.
      for (Path file :
          files.filter(f -> !f.toString().contains("/..")).filter(Files::isRegularFile).toList()) {
        if (Files.size(file) <= MAX_SECRET_FILE_BYTES) {
          contents.add(Files.readString(file));
        }
      }
      return contents.stream().filter(Objects::nonNull);
    } catch (IOException | RuntimeException e) {
      return Stream.empty();
    }
  }

  /** A copy of a JSON tree with every string value redacted; numbers and keys stay as they are. */
  public com.google.gson.JsonElement redact(com.google.gson.JsonElement element) {
    if (element == null || element.isJsonNull()) {
      return element;
    }
    if (element.isJsonObject()) {
      com.google.gson.JsonObject copy = new com.google.gson.JsonObject();
      element.getAsJsonObject().entrySet().forEach(e -> copy.add(e.getKey(), redact(e.getValue())));
      return copy;
    }
    if (element.isJsonArray()) {
      com.google.gson.JsonArray copy = new com.google.gson.JsonArray();
      element.getAsJsonArray().forEach(item -> copy.add(redact(item)));
      return copy;
    }
    var primitive = element.getAsJsonPrimitive();
    return primitive.isString()
        ? new com.google.gson.JsonPrimitive(redact(primitive.getAsString()))
        : primitive;
  }

  public String redact(String text) {
    if (text == null) {
      return null;
    }
    String result = text;
    for (String secret : anywhere) {
      result = result.replace(secret, MASK);
    }
    for (Pattern word : wholeWords) {
      result = word.matcher(result).replaceAll(Matcher.quoteReplacement(MASK));
    }
    // user:password@ and :password@ in any URL, whatever its origin.
    return URL_CREDENTIALS.matcher(result).replaceAll("$1" + MASK + "@");
  }
}
