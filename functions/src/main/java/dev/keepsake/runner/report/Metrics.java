package dev.keepsake.runner.report;

import dev.keepsake.runner.Log;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Gauge;
import io.prometheus.client.exporter.PushGateway;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Metrics of one run, pushed to the Pushgateway under a job and a grouping key (namespace plus the
 * configuration, restore or repository). Pushed with POST so the steps of one run (backup, then
 * retention) add to the same group instead of erasing each other. Label values are names only.
 */
public final class Metrics {
  private final String pushgateway;
  private final String job;
  private final Map<String, String> groupingKey;
  private final CollectorRegistry registry = new CollectorRegistry();

  public Metrics(String pushgateway, String job, Map<String, String> groupingKey) {
    this.pushgateway = pushgateway;
    this.job = job;
    this.groupingKey = new LinkedHashMap<>(groupingKey);
  }

  public Metrics gauge(String name, String help, double value) {
    Gauge.build(name, help).register(registry).set(value);
    return this;
  }

  /**
   * A count kept across runs: the Pushgateway holds the last pushed value, so the runner reads it
   * and pushes it plus one. A reset Pushgateway starts again from zero, like any restarted counter.
   */
  public Metrics incrementedCounter(String name, String help) {
    return gauge(name, help, currentValue(name) + 1);
  }

  public void push() {
    if (pushgateway == null || pushgateway.isBlank()) {
      return;
    }
    try {
      new PushGateway(new URL(pushgateway)).pushAdd(registry, job, groupingKey);
    } catch (IOException e) {
      Log.warn("could not push metrics to the Pushgateway at %s: %s", pushgateway, e.getMessage());
    }
  }

  private double currentValue(String name) {
    if (pushgateway == null || pushgateway.isBlank()) {
      return 0;
    }
    try {
      HttpURLConnection connection =
          (HttpURLConnection)
              URI.create(pushgateway.replaceAll("/+$", "") + "/metrics").toURL().openConnection();
      connection.setConnectTimeout(5000);
      connection.setReadTimeout(10000);
      try (InputStream in = connection.getInputStream()) {
        return valueIn(new String(in.readAllBytes(), StandardCharsets.UTF_8), name);
      }
    } catch (IOException e) {
      Log.warn("could not read %s from the Pushgateway: %s", name, e.getMessage());
      return 0;
    }
  }

  /** Finds the sample of {@code name} whose labels include this run's job and grouping key. */
  double valueIn(String exposition, String name) {
    Map<String, String> wanted = new LinkedHashMap<>(groupingKey);
    wanted.put("job", job);
    Pattern sample =
        Pattern.compile("^" + Pattern.quote(name) + "\\{(.*)\\} (\\S+)$", Pattern.MULTILINE);
    Matcher matcher = sample.matcher(exposition);
    while (matcher.find()) {
      String labels = matcher.group(1);
      boolean all =
          wanted.entrySet().stream()
              .allMatch(
                  e ->
                      labels.contains(
                          e.getKey()
                              + "=\""
                              + e.getValue().replace("\\", "\\\\").replace("\"", "\\\"")
                              + "\""));
      if (all) {
        return Double.parseDouble(matcher.group(2));
      }
    }
    return 0;
  }
}
