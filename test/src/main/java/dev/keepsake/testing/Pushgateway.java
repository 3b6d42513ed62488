package dev.keepsake.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** A real Prometheus Pushgateway (Debian's prometheus-pushgateway) on loopback. */
public final class Pushgateway implements AutoCloseable {
  private final SupervisedProcess process;
  private final String url;

  private Pushgateway(SupervisedProcess process, String url) {
    this.process = process;
    this.url = url;
  }

  public static Pushgateway start(Path dir) {
    return start(dir, "127.0.0.1");
  }

  /** On another local address, such as the real node's, where pods can reach it. */
  public static Pushgateway start(Path dir, String host) {
    Path binary =
        Stream.of(
                "/usr/bin/prometheus-pushgateway",
                "/usr/local/bin/prometheus-pushgateway",
                "/usr/bin/pushgateway")
            .map(Path::of)
            .filter(Files::isExecutable)
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "prometheus-pushgateway is not installed: apt-get install prometheus-pushgateway (test/scripts/install-prerequisites.sh does)"));
    String address = host + ":" + Ports.free();
    SupervisedProcess process =
        SupervisedProcess.start(
            "pushgateway",
            binary,
            // Debian's build persists to /var/lib/prometheus by default, which every instance would
            // share.
            List.of(
                "--web.listen-address=" + address,
                "--web.enable-admin-api",
                "--persistence.file=" + dir.resolve("pushgateway.data")),
            Map.of(),
            dir.resolve("pushgateway.log"));
    Pushgateway pushgateway = new Pushgateway(process, "http://" + address);
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (!pushgateway.ready()) {
      if (!process.isAlive() || Instant.now().isAfter(deadline)) {
        process.close();
        throw new IllegalStateException("the Pushgateway did not start:\n" + process.logTail(20));
      }
      Ports.pause();
    }
    return pushgateway;
  }

  public String url() {
    return url;
  }

  /** What Prometheus would scrape. */
  public String metrics() {
    try {
      HttpURLConnection connection =
          (HttpURLConnection) URI.create(url + "/metrics").toURL().openConnection();
      try (InputStream in = connection.getInputStream()) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The value of {@code name} in the group whose labels include all of {@code labels}. */
  public Optional<Double> value(String name, Map<String, String> labels) {
    Matcher matcher =
        Pattern.compile("^" + Pattern.quote(name) + "\\{(.*)\\} (\\S+)$", Pattern.MULTILINE)
            .matcher(metrics());
    while (matcher.find()) {
      String found = matcher.group(1);
      if (labels.entrySet().stream()
          .allMatch(e -> found.contains(e.getKey() + "=\"" + e.getValue() + "\""))) {
        return Optional.of(Double.parseDouble(matcher.group(2)));
      }
    }
    return Optional.empty();
  }

  private boolean ready() {
    try {
      HttpURLConnection connection =
          (HttpURLConnection) URI.create(url + "/-/ready").toURL().openConnection();
      connection.setConnectTimeout(500);
      return connection.getResponseCode() == 200;
    } catch (IOException notYet) {
      return false;
    }
  }

  @Override
  public void close() {
    if (Evidence.dir().isPresent()) {
      try {
        Evidence.keepText(
            "pushgateway",
            ".txt",
            new String(
                URI.create(url + "/metrics").toURL().openStream().readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8));
      } catch (IOException e) {
        System.err.println(
            "[evidence] could not read the Pushgateway's metrics: " + e.getMessage());
      }
    }
    process.close();
  }
}
