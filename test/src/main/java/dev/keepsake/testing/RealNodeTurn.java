package dev.keepsake.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;

/**
 * One test class at a time may have a real node on this machine (there is one node address and one
 * pod bridge), while the suite runs its classes in two JVMs. A class takes its turn before its node
 * starts and gives it back once the node, and whatever it left, is gone. The operating system gives
 * the turn back when a JVM dies.
 */
public final class RealNodeTurn implements AutoCloseable {
  private static final Path LOCK_FILE =
      Path.of(System.getProperty("java.io.tmpdir"), "keepsake-real-node.lock");

  private final FileChannel channel;
  private final FileLock lock;

  private RealNodeTurn(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Waits, for as long as the other JVM's class needs the node, until this one may start one. */
  public static RealNodeTurn take(String who) {
    try {
      FileChannel channel =
          FileChannel.open(LOCK_FILE, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
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
      return new RealNodeTurn(channel, lock);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot take the real node's lock " + LOCK_FILE, e);
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      System.err.println("[node] cannot release " + LOCK_FILE + ": " + e.getMessage());
    }
  }
}
