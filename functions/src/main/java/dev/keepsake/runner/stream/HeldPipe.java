package dev.keepsake.runner.stream;

import dev.keepsake.runner.files.ScratchFiles;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A named pipe between a producer and a consumer, of which the runner holds one more writing end.
 *
 * <p>The data flows from one program to the other through the kernel, never through the runner, so
 * the runner costs the pipe no CPU. Because the runner keeps a writing end open, the consumer sees
 * the end of input only when the runner lets go ({@link #release()}): after the producer exited 0.
 * Until then a producer that died is indistinguishable, for the consumer, from a slow one.
 */
final class HeldPipe implements AutoCloseable {
  private final Path path;
  private RandomAccessFile held;

  /**
   * A reading end the runner never reads from: the kernel tells through it how many bytes wait in
   * the pipe. Closed once the consumer runs.
   */
  private FileInputStream looking;

  private HeldPipe(Path path, RandomAccessFile held, FileInputStream looking) {
    this.path = path;
    this.held = held;
    this.looking = looking;
  }

  static HeldPipe create(Path dir) {
    return create(dir, false);
  }

  /** A pipe that can tell whether the producer has written ({@link #holdsData()}). */
  static HeldPipe createWatched(Path dir) {
    return create(dir, true);
  }

  private static HeldPipe create(Path dir, boolean watched) {
    try {
      Files.createDirectories(dir);
      Path path = ScratchFiles.unique(dir, "stream-", ".fifo");
      Process mkfifo =
          new ProcessBuilder("mkfifo", "-m", "600", path.toString())
              .redirectErrorStream(true)
              .start();
      String output = new String(mkfifo.getInputStream().readAllBytes());
      if (!mkfifo.waitFor(10, TimeUnit.SECONDS) || mkfifo.exitValue() != 0) {
        throw new IOException("mkfifo " + path + " failed: " + output.trim());
      }
      // Read-write: on Linux opening a FIFO this way never blocks, and it counts as a writer;
      // with a writer there, opening it for reading does not block either.
      RandomAccessFile held = new RandomAccessFile(path.toFile(), "rw");
      return new HeldPipe(path, held, watched ? new FileInputStream(path.toFile()) : null);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the stream pipe in " + dir, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating the stream pipe", e);
    }
  }

  /** {@code argv} with its stdin read from this pipe (no shell interpretation of the arguments). */
  List<String> reading(List<String> argv) {
    return redirected("<", argv);
  }

  /** {@code argv} with its stdout written into this pipe. */
  List<String> writing(List<String> argv) {
    return redirected(">", argv);
  }

  private List<String> redirected(String direction, List<String> argv) {
    List<String> command =
        new ArrayList<>(
            List.of(
                "sh",
                "-c",
                "p=$1; shift; exec \"$@\" " + direction + " \"$p\"",
                "keepsake-stream",
                path.toString()));
    command.addAll(argv);
    return command;
  }

  /** Whether the producer has written bytes that no one has read yet. */
  synchronized boolean holdsData() {
    try {
      return looking != null && looking.available() > 0;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Waits until the process has the pipe open as its stdin (or has ended, or the deadline passed).
   * Before that, letting go of the runner's end could leave the pipe with no end open, and the
   * kernel would drop the bytes it holds.
   */
  void awaitReader(long pid, Instant deadline) {
    Path stdin = Path.of("/proc", Long.toString(pid), "fd", "0");
    while (Instant.now().isBefore(deadline)) {
      try {
        if (Files.readSymbolicLink(stdin).equals(path)) {
          return;
        }
      } catch (IOException processGone) {
        return;
      }
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * How many bytes wait in the pipe, as {@link #holdsData()} sees them; 0 once it stopped looking.
   */
  synchronized long bytesHeld() {
    try {
      return looking == null ? 0 : looking.available();
    } catch (IOException e) {
      return 0;
    }
  }

  /** Closes the reading end that {@link #holdsData()} looks through. */
  synchronized void stopLooking() {
    if (looking != null) {
      try {
        looking.close();
      } catch (IOException ignored) {
        // nothing was read through it
      }
      looking = null;
    }
  }

  /**
   * Lets go of the runner's end: once the producer is gone too, the consumer reads end of input.
   */
  synchronized void release() {
    if (held != null) {
      try {
        held.close();
      } catch (IOException ignored) {
        // closing a FIFO end cannot lose data
      }
      held = null;
    }
  }

  @Override
  public void close() {
    stopLooking();
    release();
    try {
      Files.deleteIfExists(path);
    } catch (IOException ignored) {
      // a leftover FIFO in scratch space holds no data
    }
  }
}
