package dev.keepsake.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After the suite (the test module's build runs this class in a second pass, at verify): every
 * credential the tests put into a Secret is looked for in everything else the suite wrote, namely
 * every write the API servers accepted (specs, statuses, Events, pod statuses with termination
 * messages), the pods' logs, the Pushgateways' metrics and the test JVM's output, which holds the
 * operator's log. None may be there, raw, URL-encoded or JSON-escaped.
 */
class CredentialScanTest {
  /** Secret keys that hold credentials; user names and access key ids are not secret. */
  private static final Pattern CREDENTIAL_KEY =
      Pattern.compile("(?i).*(pass|secret|token|auth|private|credential|key).*");

  private static final Pattern IDENTIFIER_KEY = Pattern.compile("(?i).*(key_?id|user|username)$");

  /** Shorter values would be found by chance. */
  private static final int SHORTEST = 6;

  @Test
  void nothingTheSuiteWroteHoldsACredential() throws IOException {
    Path evidence = Path.of(System.getProperty(Evidence.PROPERTY, "target/evidence"));
    // The test output (the operator's log among it) of every other test of the run.
    Path reports = evidence.resolveSibling("failsafe-reports");
    Assumptions.assumeTrue(
        hasAuditLog(evidence),
        "no test of this run wrote to an API server, so there is nothing to scan");

    Scan scan = Scan.of(evidence, reports);
    System.out.printf(
        "[credential-scan] %d credentials from %d Secret writes; looked in %d API writes and %d files (%d MiB)%n",
        scan.credentials.size(),
        scan.secretWrites,
        scan.writesScanned,
        scan.filesScanned,
        scan.bytesScanned >> 20);
    assertThat(scan.credentials).as("credentials found in the suite's Secrets").isNotEmpty();
    assertThat(scan.findings).as("places a credential was found").isEmpty();
  }

  @Test
  void theScanFindsACredentialInEveryFormItLooksFor(@TempDir Path work) throws IOException {
    Path evidence = Files.createDirectories(work.resolve("evidence"));
    Path reports = Files.createDirectories(work.resolve("surefire-reports"));
    String password = "s3cr:t p@ss/\"word\"";
    String encoded = Base64.getEncoder().encodeToString(password.getBytes(StandardCharsets.UTF_8));
    Files.writeString(
        evidence.resolve("audit-a.log"),
        String.join(
                "\n",
                auditLine(
                    "create",
                    "secrets",
                    "",
                    "{\"data\":{\"RESTIC_PASSWORD\":\""
                        + encoded
                        + "\",\"USER\":\""
                        + b64("administrator")
                        + "\"}}",
                    201),
                auditLine(
                    "patch",
                    "backupsessions",
                    "status",
                    "{\"status\":{\"message\":" + json(password) + "}}",
                    200),
                auditLine(
                    "create", "configmaps", "", "{\"data\":{\"x\":" + json(password) + "}}", 422),
                auditLine("create", "events", "", "{\"message\":\"administrator logged in\"}", 201))
            + "\n");
    Files.writeString(
        Files.createDirectories(evidence.resolve("pod-logs-1")).resolve("backup.log"),
        "redis://:" + URLEncoder.encode(password, StandardCharsets.UTF_8) + "@127.0.0.1\n");
    Files.writeString(
        evidence.resolve("pushgateway-1.txt"), "keepsake_info{message=" + json(password) + "} 1\n");
    Files.writeString(reports.resolve("X-output.txt"), "nothing here\nstill nothing\n");

    Scan scan = Scan.of(evidence, reports);

    assertThat(scan.credentials).containsOnlyKeys(password);
    assertThat(scan.findings)
        .hasSize(3)
        .allMatch(f -> f.contains("RESTIC_PASSWORD"))
        .noneMatch(f -> f.contains(password))
        .anyMatch(f -> f.contains("patch backupsessions/status"))
        .anyMatch(f -> f.contains("backup.log:1"))
        .anyMatch(f -> f.contains("pushgateway-1.txt:1"));
  }

  private static boolean hasAuditLog(Path evidence) throws IOException {
    if (!Files.isDirectory(evidence)) {
      return false;
    }
    try (Stream<Path> files = Files.list(evidence)) {
      return files.anyMatch(f -> f.getFileName().toString().startsWith("audit-"));
    }
  }

  /**
   * The credentials of a run and where they were found, never the values themselves in a finding.
   */
  static final class Scan {
    final Map<String, String> credentials = new LinkedHashMap<>(); // value → "Secret ns/name key"
    final List<String> findings = new ArrayList<>();
    int secretWrites;
    int writesScanned;
    int filesScanned;
    long bytesScanned;

    static Scan of(Path evidence, Path reports) throws IOException {
      Scan scan = new Scan();
      List<Path> audits = files(evidence, f -> f.getFileName().toString().startsWith("audit-"));
      for (Path audit : audits) {
        scan.collectCredentials(audit);
      }
      for (Path audit : audits) {
        scan.scanAudit(audit);
      }
      for (Path file : files(evidence, f -> !f.getFileName().toString().startsWith("audit-"))) {
        scan.scanFile(file);
      }
      for (Path file : files(reports, f -> f.getFileName().toString().endsWith("-output.txt"))) {
        scan.scanFile(file);
      }
      return scan;
    }

    private void collectCredentials(Path audit) throws IOException {
      forEachEntry(
          audit,
          entry -> {
            JsonObject ref = entry.getAsJsonObject("objectRef");
            if (!"secrets".equals(string(ref, "resource")) || !entry.has("requestObject")) {
              return;
            }
            secretWrites++;
            String secret = "Secret " + string(ref, "namespace") + "/" + string(ref, "name");
            JsonObject written = entry.getAsJsonObject("requestObject");
            addCredentials(secret, written.get("data"), true);
            addCredentials(secret, written.get("stringData"), false);
          });
    }

    private void addCredentials(String secret, JsonElement data, boolean base64) {
      if (data == null || !data.isJsonObject()) {
        return;
      }
      for (Map.Entry<String, JsonElement> item : data.getAsJsonObject().entrySet()) {
        if (!CREDENTIAL_KEY.matcher(item.getKey()).matches()
            || IDENTIFIER_KEY.matcher(item.getKey()).matches()
            || !item.getValue().isJsonPrimitive()) {
          continue;
        }
        String value = item.getValue().getAsString();
        if (base64) {
          try {
            value = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
          } catch (IllegalArgumentException notBase64) {
            continue;
          }
        }
        value = value.strip();
        if (value.length() >= SHORTEST && !value.contains("\n")) {
          credentials.putIfAbsent(value, secret + " key " + item.getKey());
        }
      }
    }

    private void scanAudit(Path audit) throws IOException {
      forEachEntry(
          audit,
          entry -> {
            JsonObject ref = entry.getAsJsonObject("objectRef");
            JsonObject response = entry.getAsJsonObject("responseStatus");
            int code =
                response != null && response.has("code") ? response.get("code").getAsInt() : 0;
            if (ref == null
                || "secrets".equals(string(ref, "resource"))
                || code >= 400
                || !entry.has("requestObject")) {
              return;
            }
            writesScanned++;
            StringBuilder values = new StringBuilder();
            strings(entry.get("requestObject"), values);
            String text = values.toString();
            bytesScanned += text.length();
            String where =
                "API write: "
                    + string(entry, "verb")
                    + " "
                    + string(ref, "resource")
                    + (ref.has("subresource") ? "/" + string(ref, "subresource") : "")
                    + " "
                    + string(ref, "namespace")
                    + "/"
                    + string(ref, "name")
                    + " by "
                    + string(entry.getAsJsonObject("user"), "username");
            for (Map.Entry<String, String> credential : credentials.entrySet()) {
              if (containsAnyForm(text, credential.getKey())) {
                findings.add(where + " holds the value of " + credential.getValue());
              }
            }
          });
    }

    private void scanFile(Path file) throws IOException {
      filesScanned++;
      try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
        int number = 0;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          number++;
          bytesScanned += line.length();
          String utf8 =
              new String(line.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
          for (Map.Entry<String, String> credential : credentials.entrySet()) {
            if (containsAnyForm(utf8, credential.getKey())) {
              findings.add(
                  file.getFileName()
                      + ":"
                      + number
                      + " ("
                      + file.getParent().getFileName()
                      + ") holds the value of "
                      + credential.getValue());
            }
          }
        }
      }
    }

    private static boolean containsAnyForm(String text, String value) {
      if (text.contains(value)) {
        return true;
      }
      String encoded = URLEncoder.encode(value, StandardCharsets.UTF_8);
      if (!encoded.equals(value)
          && (text.contains(encoded) || text.contains(encoded.replace("+", "%20")))) {
        return true;
      }
      String escaped = json(value);
      escaped = escaped.substring(1, escaped.length() - 1);
      return !escaped.equals(value) && text.contains(escaped);
    }

    private static void strings(JsonElement element, StringBuilder into) {
      if (element == null || element.isJsonNull()) {
        return;
      }
      if (element.isJsonPrimitive()) {
        into.append(element.getAsString()).append('\n');
      } else if (element.isJsonArray()) {
        element.getAsJsonArray().forEach(e -> strings(e, into));
      } else {
        element.getAsJsonObject().entrySet().forEach(e -> strings(e.getValue(), into));
      }
    }

    private static void forEachEntry(Path audit, java.util.function.Consumer<JsonObject> action)
        throws IOException {
      try (BufferedReader reader = Files.newBufferedReader(audit, StandardCharsets.UTF_8)) {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          if (!line.isBlank()) {
            action.accept(JsonParser.parseString(line).getAsJsonObject());
          }
        }
      }
    }

    private static List<Path> files(Path dir, java.util.function.Predicate<Path> which)
        throws IOException {
      if (!Files.isDirectory(dir)) {
        return List.of();
      }
      try (Stream<Path> files = Files.walk(dir)) {
        return files.filter(Files::isRegularFile).filter(which).sorted().toList();
      }
    }

    private static String string(JsonObject object, String key) {
      return object == null || !object.has(key) || object.get(key).isJsonNull()
          ? ""
          : object.get(key).getAsString();
    }
  }

  private static String auditLine(
      String verb, String resource, String subresource, String requestObject, int code) {
    return "{\"verb\":\""
        + verb
        + "\",\"objectRef\":{\"resource\":\""
        + resource
        + "\",\"namespace\":\"ns\",\"name\":\"n\""
        + (subresource.isEmpty() ? "" : ",\"subresource\":\"" + subresource + "\"")
        + "},\"user\":{\"username\":\"u\"},"
        + "\"responseStatus\":{\"code\":"
        + code
        + "},\"requestObject\":"
        + requestObject
        + "}";
  }

  private static String b64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  private static String json(String value) {
    return new com.google.gson.Gson().toJson(value);
  }
}
