package dev.keepsake.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * What the test suite leaves behind for the credential scan: the API server's audit log of every
 * write, the pods' logs and the Pushgateway's metrics, kept in one folder named by the system
 * property {@code keepsake.evidence} (the test module's build sets it). Without the property
 * nothing is kept, as in the local demo.
 */
public final class Evidence {
  public static final String PROPERTY = "keepsake.evidence";

  private Evidence() {}

  public static Optional<Path> dir() {
    String dir = System.getProperty(PROPERTY);
    if (dir == null || dir.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Files.createDirectories(Path.of(dir)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A new file name in the evidence folder for something of this kind, unique in the run. */
  public static Optional<Path> newFile(String kind, String suffix) {
    return dir().map(d -> d.resolve(kind + "-" + UUID.randomUUID() + suffix));
  }

  /**
   * Copies every file under a folder whose name ends so (pod logs, say) into the evidence folder.
   */
  public static void keepFiles(Path folder, String kind, String nameSuffix) {
    Optional<Path> target = dir().map(d -> d.resolve(kind + "-" + UUID.randomUUID()));
    if (target.isEmpty() || !Files.isDirectory(folder)) {
      return;
    }
    try (Stream<Path> files = Files.walk(folder)) {
      Files.createDirectories(target.get());
      for (Path file :
          (Iterable<Path>)
              files.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(nameSuffix))
                  ::iterator) {
        Files.copy(
            file, target.get().resolve(folder.relativize(file).toString().replace('/', '_')));
      }
    } catch (IOException e) {
      System.err.println("[evidence] could not keep " + folder + ": " + e.getMessage());
    }
  }

  /** Writes text into a new evidence file. */
  public static void keepText(String kind, String suffix, String text) {
    newFile(kind, suffix)
        .ifPresent(
            file -> {
              try {
                Files.writeString(file, text);
              } catch (IOException e) {
                System.err.println("[evidence] could not write " + file + ": " + e.getMessage());
              }
            });
  }
}
