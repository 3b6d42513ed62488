package dev.keepsake.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keepsake.api.Repository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * catalog/volume through its own manifests: files of a claim backed up, deleted, restored whole and
 * in part.
 */
class CatalogVolumeTest {
  private static S3Server s3;

  @TempDir Path work;

  @BeforeAll
  static void startServers(@TempDir Path servers) {
    s3 = S3Server.start(servers.resolve("s3"));
  }

  @AfterAll
  static void stopServers() {
    s3.close();
  }

  private static void seed(Path volume) throws IOException {
    Random random = new Random(7);
    Files.createDirectories(volume.resolve("photos/2024"));
    Files.createDirectories(volume.resolve("docs/empty-folder"));
    for (int i = 0; i < 200; i++) {
      byte[] data = new byte[1000 + random.nextInt(50_000)];
      random.nextBytes(data);
      Files.write(volume.resolve("photos/2024/img-" + i + ".jpg"), data);
    }
    byte[] large = new byte[64 << 20];
    random.nextBytes(large);
    Files.write(volume.resolve("docs/archive.bin"), large);
    Files.writeString(volume.resolve("docs/notes ü.txt"), "notes with a space and ü in the name\n");
    Files.writeString(volume.resolve("docs/empty.txt"), "");
    Files.writeString(volume.resolve("debug.log"), "not worth keeping\n");
    Files.createSymbolicLink(volume.resolve("latest-photos"), Path.of("photos/2024"));
  }

  /** Every file's content hash and every link's target, by path, with excluded names left out. */
  private static Map<String, String> contents(Path volume) throws Exception {
    Map<String, String> contents = new TreeMap<>();
    try (Stream<Path> files = Files.walk(volume)) {
      for (Path path : files.toList()) {
        String name = volume.relativize(path).toString();
        if (Files.isSymbolicLink(path)) {
          contents.put(name, "-> " + Files.readSymbolicLink(path));
        } else if (Files.isRegularFile(path)) {
          contents.put(
              name,
              HexFormat.of()
                  .formatHex(
                      MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(path))));
        } else if (!name.isEmpty()) {
          contents.put(name + "/", "dir");
        }
      }
    }
    return contents;
  }

  private static void empty(Path volume) throws IOException {
    try (Stream<Path> files = Files.walk(volume)) {
      files
          .sorted(java.util.Comparator.reverseOrder())
          .filter(p -> !p.equals(volume))
          .forEach(p -> p.toFile().delete());
    }
  }

  @ParameterizedTest(name = "{0} repository")
  @ValueSource(strings = {"local", "s3"})
  void theFilesOfAClaimComeBackExceptWhatWasExcluded(String kind) throws Exception {
    CatalogRun run = new CatalogRun("volume", work);
    Path volume = Files.createDirectories(run.claim("files"));
    seed(volume);
    Files.createDirectories(volume.resolve("cache/pages"));
    Files.writeString(volume.resolve("cache/pages/index.html"), "rebuilt on demand\n");
    Map<String, String> expected = contents(volume);
    expected.remove("debug.log");
    // As the README tells: restic matches a pattern against the file's full path in the Job.
    expected.keySet().removeIf(name -> name.equals("cache") || name.startsWith("cache/"));
    Repository repository = run.repository(kind, s3);

    LocalPod.Outcome backup =
        run.backup(
            repository,
            null,
            "files",
            "exclude: [\"*.log\", \"/target/cache\"]",
            "volume-backup-1",
            Map.of());
    assertThat(backup.succeeded()).as(CatalogRun.describe(backup)).isTrue();
    System.out.printf(
        "[catalog] volume backup to %s: %s%s%n",
        kind, backup.containers().get(0).message(), CatalogRun.summary(backup));
    empty(volume);

    LocalPod.Outcome restore =
        run.restore(repository, null, "files", "volume-restore-1", Map.of(), "");

    assertThat(restore.succeeded()).as(CatalogRun.describe(restore)).isTrue();
    System.out.printf(
        "[catalog] volume restore from %s: %s%s%n",
        kind, restore.last().message(), CatalogRun.summary(restore));
    assertThat(contents(volume)).isEqualTo(expected);
  }

  @Test
  void somePathsAreRestoredAloneAndIntoAnotherFolder() throws Exception {
    CatalogRun run = new CatalogRun("volume", work);
    Path volume = Files.createDirectories(run.claim("files"));
    seed(volume);
    Map<String, String> seeded = contents(volume);
    Repository repository = run.repository("local", s3);
    assertThat(run.backup(repository, null, "files", "volume-backup-1", Map.of()).succeeded())
        .isTrue();
    empty(volume);

    LocalPod.Outcome photos =
        run.restore(
            repository,
            null,
            "files",
            "volume-restore-1",
            Map.of(),
            "include: [\"/photos\"], targetPath: /recovered");

    assertThat(photos.succeeded()).as(CatalogRun.describe(photos)).isTrue();
    Map<String, String> expected = new TreeMap<>();
    seeded.forEach(
        (path, content) -> {
          if (path.startsWith("photos")) {
            expected.put("recovered/" + path, content);
          }
        });
    expected.put("recovered/", "dir");
    assertThat(contents(volume)).isEqualTo(expected);
  }
}
