package dev.keepsake.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A real S3 server on loopback: S3Proxy with its filesystem provider and AWS v2/v4 signatures, as a
 * separate process (its bundled libraries would clash with ours on one classpath).
 */
public final class S3Server implements AutoCloseable {
  public static final String ACCESS_KEY = "keepsake-test";
  public static final String SECRET_KEY = "keepsake-test-secret-key";

  private final SupervisedProcess process;
  private final String endpoint;
  private final Path dir;
  private final String host;
  private final int port;

  private S3Server(SupervisedProcess process, Path dir, String host, int port) {
    this.process = process;
    this.endpoint = "http://" + host + ":" + port;
    this.dir = dir;
    this.host = host;
    this.port = port;
  }

  public static S3Server start(Path dir) {
    return start(dir, "127.0.0.1");
  }

  /** On another local address, such as the real node's, where pods can reach it. */
  public static S3Server start(Path dir, String host) {
    return start(dir, host, Ports.free());
  }

  /** The same server again, after {@link #close}: same address, same data. */
  public S3Server restart() {
    return start(dir, host, port);
  }

  private static S3Server start(Path dir, String host, int port) {
    Path jar =
        Path.of(
            System.getProperty(
                "keepsake.s3proxy.jar",
                Project.root().resolve("test/target/tools/s3proxy.jar").toString()));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "S3Proxy not found at " + jar + "; `mvn -pl test generate-resources` copies it there");
    }
    String endpoint = "http://" + host + ":" + port;
    try {
      Path data = Files.createDirectories(dir.resolve("data"));
      Path properties =
          Files.writeString(
              dir.resolve("s3proxy.properties"),
              String.join(
                  "\n",
                  "s3proxy.endpoint=" + endpoint,
                  "s3proxy.authorization=aws-v2-or-v4",
                  "s3proxy.identity=" + ACCESS_KEY,
                  "s3proxy.credential=" + SECRET_KEY,
                  "jclouds.provider=filesystem",
                  "jclouds.filesystem.basedir=" + data));
      SupervisedProcess process =
          SupervisedProcess.start(
              "s3proxy",
              Path.of(System.getProperty("java.home"), "bin", "java"),
              List.of("-Xmx256m", "-jar", jar.toString(), "--properties", properties.toString()),
              Map.of(),
              dir.resolve("s3proxy.log"));
      S3Server server = new S3Server(process, dir, host, port);
      server.awaitReady();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String endpoint() {
    return endpoint;
  }

  /** The environment restic needs for this server's credentials. */
  public Map<String, String> credentials() {
    return Map.of("AWS_ACCESS_KEY_ID", ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", SECRET_KEY);
  }

  private void awaitReady() {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("S3Proxy exited while starting:\n" + process.logTail(30));
      }
      try {
        HttpURLConnection connection =
            (HttpURLConnection) URI.create(endpoint + "/").toURL().openConnection();
        connection.setConnectTimeout(500);
        connection.getResponseCode();
        return;
      } catch (IOException notYet) {
        Ports.pause();
      }
    }
    throw new IllegalStateException("S3Proxy did not answer within 60 s:\n" + process.logTail(30));
  }

  @Override
  public void close() {
    process.close();
  }
}
