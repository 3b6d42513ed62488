package dev.keepsake.runner.files;

import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/** Names for the files a run keeps in its scratch folder. */
public final class ScratchFiles {
  private ScratchFiles() {}

  /**
   * A name no other run sharing the folder picks. Not {@code UUID.randomUUID()}: its first call
   * seeds the secure random source, about 15 ms before a run can start restic.
   */
  public static Path unique(Path folder, String prefix, String suffix) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return folder.resolve(
        prefix
            + Long.toHexString(random.nextLong())
            + Long.toHexString(random.nextLong() ^ System.nanoTime())
            + suffix);
  }
}
