package dev.keepsake.operator.metrics;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The Pushgateway's groups: listed through its API, deleted or added to by grouping key. */
final class PushgatewayGroups {
  /** A group: its job and the rest of its grouping key, and the names of the metrics it holds. */
  record Group(String job, Map<String, String> key, Map<String, Double> values) {}

  private final String base;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  PushgatewayGroups(String url) {
    this.base = url.replaceAll("/+$", "");
  }

  List<Group> list() throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/api/v1/metrics"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("GET /api/v1/metrics answered " + response.statusCode());
    }
    List<Group> groups = new ArrayList<>();
    for (JsonElement element :
        JsonParser.parseString(response.body()).getAsJsonObject().getAsJsonArray("data")) {
      JsonObject group = element.getAsJsonObject();
      Map<String, String> key = new LinkedHashMap<>();
      group
          .getAsJsonObject("labels")
          .entrySet()
          .forEach(e -> key.put(e.getKey(), e.getValue().getAsString()));
      String job = key.remove("job");
      Map<String, Double> values = new LinkedHashMap<>();
      for (var entry : group.entrySet()) {
        if (entry.getValue().isJsonObject() && entry.getValue().getAsJsonObject().has("metrics")) {
          var metrics = entry.getValue().getAsJsonObject().getAsJsonArray("metrics");
          if (!metrics.isEmpty() && metrics.get(0).getAsJsonObject().has("value")) {
            values.put(
                entry.getKey(),
                Double.parseDouble(metrics.get(0).getAsJsonObject().get("value").getAsString()));
          }
        }
      }
      groups.add(new Group(job, key, values));
    }
    return groups;
  }

  void delete(Group group) throws IOException, InterruptedException {
    send(HttpRequest.newBuilder(path(group.job(), group.key())).DELETE(), "DELETE");
  }

  /** Sets one gauge in a group and leaves its other metrics as they are (POST, not PUT). */
  void setGauge(String job, Map<String, String> key, String name, String help, double value)
      throws IOException, InterruptedException {
    String body =
        "# HELP " + name + " " + help + "\n# TYPE " + name + " gauge\n" + name + " " + value + "\n";
    send(
        HttpRequest.newBuilder(path(job, key))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "text/plain; version=0.0.4"),
        "POST");
  }

  private URI path(String job, Map<String, String> key) {
    StringBuilder path = new StringBuilder(base).append("/metrics/job/").append(encode(job));
    key.forEach(
        (name, value) -> path.append('/').append(encode(name)).append('/').append(encode(value)));
    return URI.create(path.toString());
  }

  private void send(HttpRequest.Builder request, String method)
      throws IOException, InterruptedException {
    HttpResponse<Void> response =
        http.send(
            request.timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.discarding());
    if (response.statusCode() >= 300) {
      throw new IOException(
          method + " " + request.build().uri().getPath() + " answered " + response.statusCode());
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
