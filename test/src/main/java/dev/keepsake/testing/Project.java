package dev.keepsake.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the Keepsake source tree is, so tests and the local demo can find crds/, catalog/ and
 * scripts.
 */
public final class Project {
  private Project() {}

  public static Path root() {
    String configured = System.getProperty("keepsake.projectRoot");
    if (configured != null) {
      return Path.of(configured).toAbsolutePath();
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isDirectory(dir.resolve("crds"))) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "cannot find the Keepsake source tree above "
            + Path.of("").toAbsolutePath()
            + "; set -Dkeepsake.projectRoot");
  }

  /** The version the images are tagged with: the chart's appVersion. */
  public static String version() {
    try {
      return Files.readAllLines(root().resolve("charts/keepsake/Chart.yaml")).stream()
          .filter(line -> line.startsWith("appVersion:"))
          .map(line -> line.substring("appVersion:".length()).trim().replace("\"", ""))
          .findFirst()
          .orElseThrow(
              () -> new IllegalStateException("charts/keepsake/Chart.yaml has no appVersion"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
