package dev.keepsake.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server (Debian's) on loopback with password authentication. PostgreSQL refuses
 * to run as root, so as root it runs as the `postgres` user in a folder of its own.
 */
public final class PostgresServer implements AutoCloseable {
  private final SupervisedProcess process;
  private final Path folder;
  private final String host;
  private final int port;
  private final String user;
  private final String password;

  private PostgresServer(
      SupervisedProcess process, Path folder, String host, int port, String user, String password) {
    this.process = process;
    this.folder = folder;
    this.host = host;
    this.port = port;
    this.user = user;
    this.password = password;
  }

  static Path binaries() {
    try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
      return versions
          .map(v -> v.resolve("bin"))
          .filter(b -> Files.isExecutable(b.resolve("postgres")))
          .max(Comparator.comparing(b -> Integer.parseInt(b.getParent().getFileName().toString())))
          .orElseThrow();
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException(
          "PostgreSQL is not installed: apt-get install postgresql "
              + "(test/scripts/install-prerequisites.sh does)",
          e);
    }
  }

  private static boolean root() {
    return "root".equals(System.getProperty("user.name"));
  }

  /** The command as the user that may run PostgreSQL. */
  private static List<String> asServerUser(Path binary, List<String> args) {
    List<String> command = new ArrayList<>();
    if (root()) {
      command.addAll(
          List.of("/usr/bin/setpriv", "--reuid=postgres", "--regid=postgres", "--clear-groups"));
    }
    command.add(binary.toString());
    command.addAll(args);
    return command;
  }

  /** A server that runs elsewhere, such as in a pod; {@link #close()} leaves it running. */
  public static PostgresServer at(String host, int port, String user, String password) {
    return new PostgresServer(null, null, host, port, user, password);
  }

  /** Whether it answers a query as the administrator. */
  public boolean ready() {
    return accepting();
  }

  public static PostgresServer start(String user, String password) {
    Path bin = binaries();
    try {
      Path folder = Files.createTempDirectory("keepsake-postgres-");
      Path passwordFile = folder.resolve("password");
      Files.writeString(passwordFile, password + "\n");
      if (root()) {
        run(List.of("chown", "-R", "postgres:postgres", folder.toString()));
      }
      run(
          asServerUser(
              bin.resolve("initdb"),
              List.of(
                  "-D",
                  folder.resolve("data").toString(),
                  "-U",
                  user,
                  "--pwfile=" + passwordFile,
                  "-A",
                  "scram-sha-256",
                  "--no-sync",
                  "-E",
                  "UTF8",
                  "--locale=C.UTF-8")));
      int port = Ports.free();
      List<String> command =
          asServerUser(
              bin.resolve("postgres"),
              List.of(
                  "-D",
                  folder.resolve("data").toString(),
                  "-p",
                  Integer.toString(port),
                  "-k",
                  folder.toString(),
                  "-c",
                  "listen_addresses=127.0.0.1",
                  "-c",
                  "fsync=off",
                  "-c",
                  "max_wal_size=2GB",
                  "-c",
                  "shared_buffers=256MB"));
      SupervisedProcess process =
          SupervisedProcess.start(
              "postgres",
              Path.of(command.get(0)),
              command.subList(1, command.size()),
              Map.of(),
              Files.createTempFile("keepsake-postgres-", ".log"));
      PostgresServer server =
          new PostgresServer(process, folder, "127.0.0.1", port, user, password);
      Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
      while (!server.accepting()) {
        if (!process.isAlive() || Instant.now().isAfter(deadline)) {
          process.close();
          throw new IllegalStateException("PostgreSQL did not start:\n" + process.logTail(20));
        }
        Ports.pause();
      }
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private boolean accepting() {
    try (Socket ignored = new Socket(host, port)) {
      return psqlExit("postgres", "SELECT 1") == 0;
    } catch (IOException e) {
      return false;
    }
  }

  private static void run(List<String> command) {
    Processes.output(command, Map.of());
  }

  public int port() {
    return port;
  }

  public String user() {
    return user;
  }

  public String password() {
    return password;
  }

  public String url() {
    return "postgresql://" + host + ":" + port;
  }

  private ProcessBuilder psqlBuilder(String database, String... sql) {
    List<String> command =
        new ArrayList<>(
            List.of(
                binaries().resolve("psql").toString(),
                "-h",
                host,
                "-p",
                Integer.toString(port),
                "-U",
                user,
                "-d",
                database,
                "-X",
                "-q",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1"));
    for (String statement : sql) {
      command.addAll(List.of("-c", statement));
    }
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("PGPASSWORD", password);
    return builder;
  }

  private int psqlExit(String database, String sql) {
    try {
      Process process =
          psqlBuilder(database, sql)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return process.waitFor();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /**
   * Runs SQL statements and returns what they print (unaligned, tuples only); fails on the first
   * error.
   */
  public String sql(String database, String... statements) {
    ProcessBuilder builder = psqlBuilder(database, statements);
    return Processes.output(builder.command(), Map.of("PGPASSWORD", password));
  }

  @Override
  public void close() {
    if (process == null) {
      return;
    }
    process.close();
    try (Stream<Path> files = Files.walk(folder)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // A leftover temporary folder is harmless.
    }
  }
}
