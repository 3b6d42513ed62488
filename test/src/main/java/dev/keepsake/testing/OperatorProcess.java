package dev.keepsake.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The operator in a JVM of its own, started as its container starts it (Operator.main, settings
 * from the environment): what a benchmark measures and what a fault test kills with SIGKILL.
 */
public final class OperatorProcess implements AutoCloseable {
  private final Process process;
  private final int healthPort;
  private final Path log;

  private OperatorProcess(Process process, int healthPort, Path log) {
    this.process = process;
    this.healthPort = healthPort;
    this.log = log;
  }

  /**
   * @param environment added to the operator's (KEEPSAKE_LEADER_ELECTION=true with a POD_NAMESPACE
   *     and POD_NAME for replicas)
   */
  public static OperatorProcess start(
      LocalControlPlane controlPlane, String name, String heap, Map<String, String> environment) {
    int healthPort = Ports.free();
    Path log = controlPlane.workDir().resolve("operator-" + name + "-" + healthPort + ".log");
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap,
                "-XX:+UseSerialGC",
                // As the operator image starts it.
                "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
    // For profiling the operator alone, e.g.
    // -XX:StartFlightRecording=filename=operator-{port}.jfr ({port}: the process's health port).
    String extra = System.getenv("KEEPSAKE_OPERATOR_JAVA_OPTIONS");
    if (extra != null && !extra.isBlank()) {
      command.addAll(
          List.of(extra.replace("{port}", Integer.toString(healthPort)).trim().split("\\s+")));
    }
    command.addAll(
        List.of(
            "-cp", System.getProperty("java.class.path"), "dev.keepsake.operator.app.Operator"));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = new HashMap<>();
    env.put("KUBECONFIG", controlPlane.kubeconfig().toString());
    env.put("KEEPSAKE_LEADER_ELECTION", "false");
    env.put("KEEPSAKE_HEALTH_PORT", Integer.toString(healthPort));
    env.put("KEEPSAKE_RUNNER_IMAGE", "keepsake/runner:" + Project.version());
    env.put("KEEPSAKE_HOST_PATH_PREFIXES", TestOperators.temporaryFolder());
    env.putAll(environment);
    builder.environment().putAll(env);
    try {
      return new OperatorProcess(builder.start(), healthPort, log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the operator", e);
    }
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path log() {
    return log;
  }

  public int healthPort() {
    return healthPort;
  }

  /** The status of /readyz, or 0 while nothing answers. */
  public int readiness() {
    try {
      return get("/readyz").statusCode();
    } catch (IOException e) {
      return 0;
    }
  }

  /** What /readyz says: "ok", or why the operator is not ready. */
  public String readinessText() throws IOException {
    return get("/readyz").body();
  }

  public String metrics() throws IOException {
    return get("/metrics").body();
  }

  /** Until /readyz answers 200. */
  public OperatorProcess awaitReady(Duration atMost) {
    Instant deadline = Instant.now().plus(atMost);
    while (readiness() != 200) {
      if (!process.isAlive() || Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(
            "the operator did not become ready ("
                + (process.isAlive() ? "still running" : "exited " + process.exitValue())
                + "); the end of its log "
                + log
                + ":\n"
                + logTail(40));
      }
      Ports.pause();
    }
    return this;
  }

  private String logTail(int lines) {
    try {
      List<String> all = java.nio.file.Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | java.io.UncheckedIOException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }

  /** SIGKILL, as a node's out-of-memory killer or an evicted pod's end: no shutdown hook runs. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
  }

  private HttpResponse<String> get(String path) throws IOException {
    try {
      return HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(2))
          .build()
          .send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + path))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
