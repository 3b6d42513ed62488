package dev.keepsake.testing;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A real Prometheus (Debian's) on loopback that scrapes the given targets every second. */
public final class PrometheusServer implements AutoCloseable {
  private final SupervisedProcess process;
  private final String url;

  private PrometheusServer(SupervisedProcess process, String url) {
    this.process = process;
    this.url = url;
  }

  /**
   * @param targets host:port of each endpoint to scrape; their labels are kept (honor_labels), as
   *     for a Pushgateway
   */
  public static PrometheusServer start(Path dir, List<String> targets) {
    return start(dir, targets, null);
  }

  /**
   * As above, evaluating the alerting rules in {@code rulesYaml} (a Prometheus rule file), or none
   * when null.
   */
  public static PrometheusServer start(Path dir, List<String> targets, String rulesYaml) {
    try {
      Files.createDirectories(dir);
      Path config = dir.resolve("prometheus.yml");
      String rules = "";
      if (rulesYaml != null) {
        Path file = Files.writeString(dir.resolve("rules.yml"), rulesYaml);
        rules = "rule_files: [\"" + file + "\"]\n";
      }
      Files.writeString(
          config,
          rules
              + """
          global: {scrape_interval: 1s, evaluation_interval: 1s}
          scrape_configs:
            - job_name: keepsake
              honor_labels: true
              static_configs:
                - targets: [%s]
          """
                  .formatted(
                      String.join(", ", targets.stream().map(t -> "\"" + t + "\"").toList())));
      String address = "127.0.0.1:" + Ports.free();
      SupervisedProcess process =
          SupervisedProcess.start(
              "prometheus",
              Path.of("/usr/bin/prometheus"),
              List.of(
                  "--config.file=" + config,
                  "--storage.tsdb.path=" + dir.resolve("data"),
                  "--web.listen-address=" + address),
              Map.of(),
              dir.resolve("prometheus.log"));
      PrometheusServer prometheus = new PrometheusServer(process, "http://" + address);
      Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
      while (!prometheus.ready()) {
        if (!process.isAlive() || Instant.now().isAfter(deadline)) {
          process.close();
          throw new IllegalStateException("Prometheus did not start:\n" + process.logTail(20));
        }
        Ports.pause();
      }
      return prometheus;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private boolean ready() {
    try {
      return HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(url + "/-/ready")).build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode()
          == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * The API's answer to an instant query: {"status": ..., "data": {"resultType": ..., "result":
   * [...]}} or an error.
   */
  public JsonObject query(String promql) {
    try {
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              url
                                  + "/api/v1/query?query="
                                  + URLEncoder.encode(promql, StandardCharsets.UTF_8)))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      return JsonParser.parseString(response.body()).getAsJsonObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    process.close();
  }
}
