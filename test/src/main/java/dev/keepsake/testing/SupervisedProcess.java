package dev.keepsake.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A server process of the local control plane that cannot outlive the JVM that started it.
 *
 * <p>A shutdown hook does not run when the JVM is killed with SIGKILL, so each process is started
 * under a small shell watchdog that stops it once the JVM's pid is gone. Output goes to a log file
 * whose tail is shown when the process fails to start.
 */
final class SupervisedProcess implements AutoCloseable {
  private static final String WATCHDOG =
      """
      jvm="$1"; shift
      "$@" &
      child=$!
      trap 'kill -TERM "$child" 2>/dev/null; wait "$child"; exit $?' TERM INT
      while kill -0 "$child" 2>/dev/null; do
        if ! kill -0 "$jvm" 2>/dev/null; then
          kill -TERM "$child" 2>/dev/null
          for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$child" 2>/dev/null || exit 1; sleep 0.5; done
          kill -KILL "$child" 2>/dev/null
          exit 1
        fi
        sleep 0.5
      done
      wait "$child"
      """;
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  private final String name;
  private final Process process;
  private final Path logFile;

  private SupervisedProcess(String name, Process process, Path logFile) {
    this.name = name;
    this.process = process;
    this.logFile = logFile;
  }

  static SupervisedProcess start(
      String name, Path binary, List<String> args, Map<String, String> env, Path logFile) {
    List<String> command = new ArrayList<>();
    command.addAll(List.of("bash", "-c", WATCHDOG, "keepsake-" + name));
    command.add(Long.toString(ProcessHandle.current().pid()));
    command.add(binary.toString());
    command.addAll(args);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(logFile.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    builder.environment().putAll(env);
    try {
      return new SupervisedProcess(name, builder.start(), logFile);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + " from " + binary, e);
    }
  }

  String name() {
    return name;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  Path logFile() {
    return logFile;
  }

  /** The last lines of the process's log, to explain a failed start. */
  String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    // Signal the server itself as well as its watchdog so that the server's own shutdown starts at
    // once.
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }
}
