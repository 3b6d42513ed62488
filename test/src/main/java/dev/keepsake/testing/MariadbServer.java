package dev.keepsake.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
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
 * A real MariaDB server (Debian's) on loopback, with an administrator who logs in by password over
 * TCP.
 */
public final class MariadbServer implements AutoCloseable {
  private final SupervisedProcess process;
  private final Path folder;
  private final String host;
  private final int port;
  private final String user;
  private final String password;

  private MariadbServer(
      SupervisedProcess process, Path folder, String host, int port, String user, String password) {
    this.process = process;
    this.folder = folder;
    this.host = host;
    this.port = port;
    this.user = user;
    this.password = password;
  }

  /** A server that runs elsewhere, such as in a pod; {@link #close()} leaves it running. */
  public static MariadbServer at(String host, int port, String user, String password) {
    return new MariadbServer(null, null, host, port, user, password);
  }

  public static MariadbServer start(String user, String password) {
    Path server = Path.of("/usr/sbin/mariadbd");
    if (!Files.isExecutable(server)) {
      throw new IllegalStateException(
          "MariaDB is not installed: apt-get install mariadb-server mariadb-client "
              + "(test/scripts/install-prerequisites.sh does)");
    }
    try {
      Path folder = Files.createTempDirectory("keepsake-mariadb-");
      String osUser = System.getProperty("user.name");
      run(
          List.of(
              "mariadb-install-db",
              "--no-defaults",
              "--datadir=" + folder.resolve("data"),
              "--user=" + osUser,
              "--auth-root-authentication-method=normal",
              "--skip-test-db"),
          null);
      int port = Ports.free();
      Path socket = folder.resolve("mariadb.sock");
      SupervisedProcess process =
          SupervisedProcess.start(
              "mariadb",
              server,
              List.of(
                  "--no-defaults",
                  "--datadir=" + folder.resolve("data"),
                  "--port=" + port,
                  "--bind-address=127.0.0.1",
                  "--socket=" + socket,
                  "--user=" + osUser,
                  "--skip-name-resolve",
                  "--innodb-flush-log-at-trx-commit=0",
                  "--innodb-buffer-pool-size=256M",
                  "--event-scheduler=OFF"),
              Map.of(),
              folder.resolve("mariadb.log"));
      Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
      while (!Files.exists(socket)) {
        if (!process.isAlive() || Instant.now().isAfter(deadline)) {
          process.close();
          throw new IllegalStateException("MariaDB did not start:\n" + process.logTail(20));
        }
        Ports.pause();
      }
      String escaped = password.replace("\\", "\\\\").replace("'", "\\'");
      run(
          List.of(
              "mariadb",
              "--no-defaults",
              "--socket=" + socket,
              "-uroot",
              "-e",
              "CREATE USER '"
                  + user
                  + "'@'127.0.0.1' IDENTIFIED BY '"
                  + escaped
                  + "'; GRANT ALL ON *.* TO '"
                  + user
                  + "'@'127.0.0.1' WITH GRANT OPTION;"),
          null);
      return new MariadbServer(process, folder, "127.0.0.1", port, user, password);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String run(List<String> command, String password) {
    return Processes.output(command, password == null ? Map.of() : Map.of("MYSQL_PWD", password));
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
    return "mysql://" + host + ":" + port;
  }

  /**
   * Runs SQL over TCP as the administrator; returns the rows tab-separated, without column names.
   */
  public String sql(String... statements) {
    List<String> command =
        new ArrayList<>(
            List.of(
                "mariadb",
                "--no-defaults",
                "--host=" + host,
                "--port=" + port,
                "--user=" + user,
                "--batch",
                "--skip-column-names",
                "--raw"));
    command.addAll(List.of("-e", String.join(";\n", statements)));
    return run(command, password).trim();
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
