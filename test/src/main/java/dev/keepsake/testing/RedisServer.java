package dev.keepsake.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A real redis-server (Debian's) on loopback, with a password, no persistence, 16 databases. */
public final class RedisServer implements AutoCloseable {
  private final SupervisedProcess process;
  private final String host;
  private final int port;
  private final String password;
  private final Path tlsAuthority;

  private RedisServer(SupervisedProcess process, int port, String password, Path tlsAuthority) {
    this(process, "127.0.0.1", port, password, tlsAuthority);
  }

  private RedisServer(
      SupervisedProcess process, String host, int port, String password, Path tlsAuthority) {
    this.process = process;
    this.host = host;
    this.port = port;
    this.password = password;
    this.tlsAuthority = tlsAuthority;
  }

  /** A Redis this JVM did not start, such as one in a pod; {@link #close()} leaves it running. */
  public static RedisServer at(String host, int port, String password) {
    return new RedisServer(null, host, port, password, null);
  }

  public static RedisServer start(Path dir, String password) {
    return start(dir, password, null, null, null);
  }

  /**
   * With {@code certificate}, {@code key} and {@code authority} it listens with TLS only (clients
   * verify the server; they need no certificate of their own).
   */
  public static RedisServer start(
      Path dir, String password, Path certificate, Path key, Path authority) {
    Path binary = Path.of("/usr/bin/redis-server");
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException(
          "redis-server is not installed: apt-get install redis-server "
              + "(test/scripts/install-prerequisites.sh does)");
    }
    int port = Ports.free();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> args =
        new ArrayList<>(
            certificate == null
                ? List.of("--port", Integer.toString(port))
                : List.of(
                    "--port",
                    "0",
                    "--tls-port",
                    Integer.toString(port),
                    "--tls-cert-file",
                    certificate.toString(),
                    "--tls-key-file",
                    key.toString(),
                    "--tls-ca-cert-file",
                    authority.toString(),
                    "--tls-auth-clients",
                    "no"));
    args.addAll(
        List.of(
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            dir.toString(),
            "--protected-mode",
            "yes",
            "--enable-debug-command",
            "local"));
    if (password != null) {
      args.addAll(List.of("--requirepass", password));
    }
    SupervisedProcess process =
        SupervisedProcess.start("redis", binary, args, Map.of(), dir.resolve("redis.log"));
    Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
    while (!listening(port)) {
      if (!process.isAlive() || Instant.now().isAfter(deadline)) {
        process.close();
        throw new IllegalStateException("redis-server did not start:\n" + process.logTail(20));
      }
      Ports.pause();
    }
    return new RedisServer(process, port, password, authority);
  }

  private static boolean listening(int port) {
    try (Socket ignored = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  public String password() {
    return password;
  }

  @Override
  public void close() {
    if (process != null) {
      process.close();
    }
  }

  /** Runs redis-cli against this server with {@code input} on stdin; returns what it printed. */
  public String cli(byte[] input, String... args) {
    java.util.List<String> command =
        new ArrayList<>(List.of("redis-cli", "-h", host(), "-p", Integer.toString(port)));
    if (tlsAuthority != null) {
      command.addAll(List.of("--tls", "--cacert", tlsAuthority.toString()));
    }
    command.addAll(List.of(args));
    return Processes.output(
        command, password == null ? Map.of() : Map.of("REDISCLI_AUTH", password), input);
  }

  public String cli(String... args) {
    return cli(new byte[0], args);
  }
}
