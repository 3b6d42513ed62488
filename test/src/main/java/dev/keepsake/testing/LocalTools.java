package dev.keepsake.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The commands that stand for the catalog images' contents in a local pod: the keepsake runner from
 * this build and redis-dump-go from the per-user cache; restic and the database clients come from
 * PATH.
 */
public final class LocalTools {
  private LocalTools() {}

  /** A folder with the tools linked in, created under {@code dir}. */
  public static Path folder(Path dir) {
    try {
      Path bin = Files.createDirectories(dir.resolve("bin"));
      link(bin.resolve("keepsake"), Project.root().resolve("functions/bin/keepsake"));
      Path redisDumpGo = redisDumpGo();
      link(bin.resolve("redis-dump-go"), redisDumpGo);
      return bin;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Built by test/scripts/build-redis-dump-go.sh (install-prerequisites.sh runs it). */
  public static Path redisDumpGo() {
    return built("test/scripts/build-redis-dump-go.sh");
  }

  /** Built by test/scripts/build-helm.sh (install-prerequisites.sh runs it). */
  public static Path helm() {
    return built("test/scripts/build-helm.sh");
  }

  /**
   * Runs a build script that prints the path of what it built (from its cache when it is there).
   */
  private static Path built(String script) {
    try {
      Process build =
          new ProcessBuilder("bash", Project.root().resolve(script).toString())
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      String path = new String(build.getInputStream().readAllBytes()).trim();
      if (build.waitFor() != 0 || path.isEmpty()) {
        throw new IllegalStateException(script + " failed");
      }
      return Path.of(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Settings every local pod's runner gets: a small heap, like the image's launcher. */
  public static Map<String, String> runnerEnvironment() {
    return Map.of(
        "KEEPSAKE_JAVA_OPTS",
        "-XX:+UseSerialGC -Xmx128m -XX:TieredStopAtLevel=1 -Xss512k",
        "JAVA_HOME",
        System.getProperty("java.home"));
  }

  private static void link(Path link, Path target) throws IOException {
    Files.deleteIfExists(link);
    Files.createSymbolicLink(link, target);
  }

  /**
   * kubectl of the control plane's version, built with it by test/scripts/build-control-plane.sh.
   */
  public static Path kubectl() {
    return ControlPlaneBinaries.locate().kubectl();
  }

  /** A program on PATH or in the system folders root's PATH holds; empty when there is none. */
  public static java.util.Optional<Path> find(String program) {
    return java.util.stream.Stream.concat(
            java.util.stream.Stream.of(System.getenv("PATH").split(":")),
            java.util.stream.Stream.of(
                "/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"))
        .map(dir -> Path.of(dir, program))
        .filter(Files::isExecutable)
        .findFirst();
  }
}
