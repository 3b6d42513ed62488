package dev.keepsake.runner.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Locale;

/**
 * The regular files a backup of some paths should hold, counted on the volume itself: what restic
 * counts as files (links, folders and devices are not), less what the exclude patterns leave out.
 */
public final class FileCensus {
  private FileCensus() {}

  /** Regular files and their bytes. */
  public record Count(long files, long bytes) {}

  public static Count of(List<String> paths, ExcludePatterns excludes) {
    long[] files = {0};
    long[] bytes = {0};
    for (String path : paths) {
      Path root = Path.of(path).toAbsolutePath().normalize();
      if (!Files.exists(root)) {
        continue;
      }
      try {
        Files.walkFileTree(
            root,
            new SimpleFileVisitor<>() {
              @Override
              public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                return !dir.equals(root) && excludes.excludes(dir.toString())
                    ? FileVisitResult.SKIP_SUBTREE
                    : FileVisitResult.CONTINUE;
              }

              @Override
              public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (attributes.isRegularFile() && !excludes.excludes(file.toString())) {
                  files[0]++;
                  bytes[0] += attributes.size();
                }
                return FileVisitResult.CONTINUE;
              }

              @Override
              public FileVisitResult visitFileFailed(Path file, IOException e) {
                // restic reports what it cannot read, and fails the backup as incomplete.
                return FileVisitResult.CONTINUE;
              }
            });
      } catch (IOException e) {
        throw new UncheckedIOException("cannot count the files under " + root, e);
      }
    }
    return new Count(files[0], bytes[0]);
  }

  /** How a comparison that found files missing begins. */
  public static final String MISSING = "the snapshot holds fewer files";

  /**
   * The snapshot's file count against the volume's, counted before and after the backup. Files
   * created or deleted during the backup may make them differ by as much as the two counts do.
   */
  public static String compare(Count before, Count after, long inSnapshot) {
    if (before == null || after == null) {
      return "not compared with the volume (the files were chosen by include patterns)";
    }
    long low = Math.min(before.files(), after.files());
    long high = Math.max(before.files(), after.files());
    long churn = high - low;
    if (inSnapshot < low - churn) {
      return String.format(
          Locale.ROOT,
          "%s (%,d) than the volume (%,d before the backup, %,d after)",
          MISSING,
          inSnapshot,
          before.files(),
          after.files());
    }
    if (inSnapshot > high + churn) {
      return String.format(
          Locale.ROOT,
          "more files in the snapshot (%,d) than the volume held (%,d before, %,d after);"
              + " counted with the exclude patterns, which may match otherwise than restic's",
          inSnapshot,
          before.files(),
          after.files());
    }
    return churn == 0 && inSnapshot == low
        ? "as many as the volume holds"
        : String.format(
            Locale.ROOT,
            "the volume held %,d before and %,d after (files changed during the backup)",
            before.files(),
            after.files());
  }
}
