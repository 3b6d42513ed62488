package dev.keepsake.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;

/**
 * One test class at a time may have a real node on this machine (there is one node address and one
 * pod bridge), while the suite runs its classes in two JVMs. A class takes its turn before its node
 * starts and gives it back once the node, and whatever it left, is gone. The operating system gives
 * the turn back when a JVM dies.
 */
public final class RealNodeTurn implements AutoCloseable {
  private static final Duration GUARD_PATIENCE = Duration.ofMinutes(2);
  private static final Path LOCK_FILE =
      Path.of(System.getProperty("java.io.tmpdir"), "keepsake-real-node.lock");

  /** This JVM's turn, while it has one: a second lock on the file in the same JVM would throw. */
  private static RealNodeTurn held;

  private final FileChannel channel;
  private final FileLock lock;

  private RealNodeTurn(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Waits, for as long as the other JVM's class needs the node, until this one may start one. */
  public static synchronized RealNodeTurn take(String who) {
    if (held != null) {
      throw new IllegalStateException(who + ": this JVM already has the real node's turn");
    }
    try {
      FileChannel channel = openLockFile();
      FileLock lock = channel.tryLock();
      if (lock == null) {
        Instant asked = Instant.now();
        System.err.println("[node] " + who + " waits for another test class's real node to go");
        lock = channel.lock();
        System.err.println(
            "[node] "
                + who
                + " has the real node after "
                + Duration.between(asked, Instant.now()).toSeconds()
                + " s");
      }
      awaitGuardsOfEarlierNodes();
      held = new RealNodeTurn(channel, lock);
      return held;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot take the real node's lock " + LOCK_FILE, e);
    }
  }

  /**
   * Runs a teardown of node leftovers when this JVM has the turn or can have it at once; returns
   * false, having run nothing, while another JVM has it.
   */
  public static synchronized boolean ifFree(Runnable teardown) {
    if (held != null) {
      teardown.run();
      return true;
    }
    try (FileChannel channel = openLockFile()) {
      FileLock lock = channel.tryLock();
      if (lock == null) {
        return false;
      }
      awaitGuardsOfEarlierNodes();
      teardown.run();
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot take the real node's lock " + LOCK_FILE, e);
    }
  }

  private static FileChannel openLockFile() throws IOException {
    return FileChannel.open(LOCK_FILE, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
  }

  /**
   * The OS gives the turn back the moment a JVM dies, but its node's guard tears the node down some
   * seconds later: a new node set up meanwhile would lose its address and bridge.
   */
  private static void awaitGuardsOfEarlierNodes() {
    Instant deadline = Instant.now().plus(GUARD_PATIENCE);
    while (Instant.now().isBefore(deadline) && guardRuns()) {
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static boolean guardRuns() {
    try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
      return processes
          .filter(dir -> dir.getFileName().toString().chars().allMatch(Character::isDigit))
          .anyMatch(RealNodeTurn::isGuard);
    } catch (IOException | UncheckedIOException e) {
      return false;
    }
  }

  private static boolean isGuard(Path process) {
    try {
      return new String(Files.readAllBytes(process.resolve("cmdline")), StandardCharsets.UTF_8)
          .contains(LocalNode.GUARD_NAME);
    } catch (IOException gone) {
      return false;
    }
  }

  @Override
  public void close() {
    synchronized (RealNodeTurn.class) {
      if (held == this) {
        held = null;
      }
    }
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      System.err.println("[node] cannot release " + LOCK_FILE + ": " + e.getMessage());
    }
  }
}
