package dev.keepsake.runner.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecuteResultHandler;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteException;
import org.apache.commons.exec.ExecuteStreamHandler;
import org.apache.commons.exec.ExecuteWatchdog;

/**
 * One external program started through commons-exec: its stdin for the caller to write, its stdout
 * handed to a reader, the tail of its stderr, its pid (for signals) and its exit.
 *
 * <p>commons-exec closes a process's streams right after it exits; the stream handler below holds
 * that back until the stdout reader has drained every byte, so nothing written before exit is lost.
 */
public final class ExternalProgram {
  /** Reads a program's stdout to the end; runs on its own thread. */
  @FunctionalInterface
  public interface OutputReader {
    void read(InputStream stdout) throws IOException;
  }

  private static final int STDERR_LINES = 40;
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  private final String name;
  private final CompletableFuture<Process> process = new CompletableFuture<>();
  private final CompletableFuture<OutputStream> stdin = new CompletableFuture<>();
  private final CompletableFuture<Integer> exit = new CompletableFuture<>();
  private final LineTail stderr = new LineTail(STDERR_LINES);

  private ExternalProgram(String name) {
    this.name = name;
  }

  /**
   * Starts {@code argv}. When {@code stdout} is null the output is discarded; {@code stderrLines}
   * sees each stderr line as it comes (restic's progress), besides the kept tail.
   */
  public static ExternalProgram start(
      String name,
      List<String> argv,
      Map<String, String> environment,
      OutputReader stdout,
      Consumer<String> stderrLines) {
    ExternalProgram program = new ExternalProgram(name);
    CommandLine command = new CommandLine(argv.get(0));
    argv.subList(1, argv.size()).forEach(arg -> command.addArgument(arg, false));
    DefaultExecutor executor =
        DefaultExecutor.builder()
            .setExecuteStreamHandler(program.new Streams(stdout, stderrLines))
            .get();
    executor.setWatchdog(program.new PidCapture());
    // Exit codes are ours to judge; commons-exec would otherwise turn non-zero into an exception.
    executor.setExitValues(null);
    DefaultExecuteResultHandler done =
        new DefaultExecuteResultHandler() {
          @Override
          public void onProcessComplete(int exitValue) {
            super.onProcessComplete(exitValue);
            program.exit.complete(exitValue);
          }

          @Override
          public void onProcessFailed(ExecuteException e) {
            super.onProcessFailed(e);
            if (!program.process.isDone()) {
              program.process.completeExceptionally(e);
              program.stdin.completeExceptionally(e);
            }
            program.exit.completeExceptionally(e);
          }
        };
    try {
      executor.execute(command, environment, done);
      program.process.get(30, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot start " + name + " (" + argv.get(0) + "): " + e.getMessage(), e);
    } catch (ExecutionException e) {
      throw new ProgramStartFailure(name, argv.get(0), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting " + name, e);
    } catch (TimeoutException e) {
      throw new IllegalStateException(name + " did not start within 30 s", e);
    }
    return program;
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.join().pid();
  }

  /** The program's stdin; closing it is how the program learns that its input is complete. */
  public OutputStream stdin() {
    return stdin.join();
  }

  /** Signals the end of input; an already closed or broken stdin is fine. */
  public void closeStdin() {
    try {
      stdin().close();
    } catch (IOException alreadyGone) {
      // the program exited or closed its end: nothing more to tell it
    }
  }

  public CompletableFuture<Integer> exit() {
    return exit;
  }

  public boolean isRunning() {
    return !exit.isDone();
  }

  /** The exit code, waiting at most {@code timeout}; empty if the program still runs. */
  public Optional<Integer> awaitExit(Duration timeout) {
    try {
      return Optional.of(exit.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
    } catch (TimeoutException stillRunning) {
      return Optional.empty();
    } catch (ExecutionException e) {
      return Optional.of(-1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  public String stderrTail() {
    return stderr.text();
  }

  /**
   * Asks the program to stop with SIGINT, the signal restic treats as Ctrl-C: it removes its lock
   * and writes no snapshot. After the grace period the program is killed.
   */
  public void interrupt() {
    signal("INT");
    if (awaitExit(STOP_GRACE).isEmpty()) {
      kill();
    }
  }

  /** SIGTERM, then SIGKILL after the grace period. */
  public void terminate() {
    process.join().destroy();
    if (awaitExit(STOP_GRACE).isEmpty()) {
      kill();
    }
  }

  public void kill() {
    process.join().destroyForcibly();
    awaitExit(STOP_GRACE);
  }

  private void signal(String signal) {
    try {
      // The shell's own kill: a kill binary (procps) is missing from many minimal images.
      new ProcessBuilder("sh", "-c", "kill -" + signal + " " + pid())
          .start()
          .waitFor(5, TimeUnit.SECONDS);
    } catch (IOException e) {
      process.join().destroy();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Thread daemon(String threadName, Runnable body) {
    Thread thread = new Thread(body, threadName);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /** Hands the launched Process to us; the watchdog's own timeout is not used. */
  private final class PidCapture extends ExecuteWatchdog {
    @SuppressWarnings("deprecation")
    PidCapture() {
      super(ExecuteWatchdog.INFINITE_TIMEOUT);
    }

    @Override
    public synchronized void start(Process launched) {
      super.start(launched);
      process.complete(launched);
    }
  }

  private final class Streams implements ExecuteStreamHandler {
    private final OutputReader stdoutReader;
    private final Consumer<String> stderrLines;
    private InputStream processStdout;
    private InputStream processStderr;
    private Thread stdoutThread;
    private Thread stderrThread;

    Streams(OutputReader stdoutReader, Consumer<String> stderrLines) {
      this.stdoutReader = stdoutReader;
      this.stderrLines = stderrLines;
    }

    @Override
    public void setProcessInputStream(OutputStream os) {
      stdin.complete(os);
    }

    @Override
    public void setProcessOutputStream(InputStream is) {
      processStdout = is;
    }

    @Override
    public void setProcessErrorStream(InputStream is) {
      processStderr = is;
    }

    @Override
    public void start() {
      stdoutThread = daemon(name + "-stdout", this::readStdout);
      stderrThread = daemon(name + "-stderr", this::readStderr);
    }

    private void readStdout() {
      try {
        if (stdoutReader == null) {
          processStdout.transferTo(OutputStream.nullOutputStream());
        } else {
          stdoutReader.read(processStdout);
        }
      } catch (IOException | RuntimeException e) {
        dev.keepsake.runner.Log.warn("could not read the output of %s: %s", name, e.getMessage());
      }
    }

    private void readStderr() {
      try (var reader =
          new BufferedReader(new InputStreamReader(processStderr, StandardCharsets.UTF_8))) {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          stderr.add(line);
          if (stderrLines != null) {
            stderrLines.accept(line);
          }
        }
      } catch (IOException closed) {
        // the process is gone; what was read is kept
      }
    }

    @Override
    public void stop() {
      try {
        stdoutThread.join();
        stderrThread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
