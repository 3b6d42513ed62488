package dev.keepsake.runner.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExcludePatternsTest {
  private static boolean excluded(String pattern, String path) {
    return ExcludePatterns.of(List.of(pattern)).excludes(path);
  }

  @Test
  void aPatternWithoutSlashMatchesANameAnywhere() {
    assertThat(excluded("*.log", "/target/debug.log")).isTrue();
    assertThat(excluded("*.log", "/target/a/b/c.log")).isTrue();
    assertThat(excluded("*.log", "/target/log.txt")).isFalse();
    assertThat(excluded("cache", "/target/app/cache/entry")).isTrue();
    assertThat(excluded("cache", "/target/app/cached")).isFalse();
  }

  @Test
  void aPatternWithSlashesMatchesConsecutiveComponentsAndAbsoluteOnesOnlyFromTheRoot() {
    assertThat(excluded("photos/2024", "/target/photos/2024/img.jpg")).isTrue();
    assertThat(excluded("photos/2024", "/target/2024/img.jpg")).isFalse();
    assertThat(excluded("/target/docs", "/target/docs/notes.txt")).isTrue();
    assertThat(excluded("/docs", "/target/docs/notes.txt")).isFalse();
    assertThat(excluded("docs/", "/target/docs/notes.txt")).isTrue();
  }

  @Test
  void doubleStarSpansAnyNumberOfFolders() {
    assertThat(excluded("/target/**/*.jpg", "/target/photos/2024/img-1.jpg")).isTrue();
    assertThat(excluded("/target/**/*.jpg", "/target/img-1.jpg")).isTrue();
    assertThat(excluded("/target/**/*.jpg", "/other/img-1.jpg")).isFalse();
  }

  @Test
  void globsReadAsGoReadsThem() {
    assertThat(excluded("[ab]*.txt", "/t/a1.txt")).isTrue();
    assertThat(excluded("[ab]*.txt", "/t/c1.txt")).isFalse();
    assertThat(excluded("[^ab]*.txt", "/t/c1.txt")).isTrue();
    assertThat(excluded("[a-c]?.txt", "/t/b1.txt")).isTrue();
    assertThat(excluded("notes ü.txt", "/t/notes ü.txt")).isTrue();
    assertThat(excluded("a\\*b", "/t/a*b")).isTrue();
    assertThat(excluded("a\\*b", "/t/axb")).isFalse();
    assertThat(excluded("file(1).txt", "/t/file(1).txt")).isTrue();
  }

  @Test
  void negationsAreNotCountedAsRestic() {
    assertThat(ExcludePatterns.of(List.of("*.log", "!keep.log"))).isNull();
  }

  @Test
  void theSnapshotMayDifferFromTheVolumeOnlyByWhatChangedDuringTheBackup() {
    FileCensus.Count ten = new FileCensus.Count(10, 0);
    assertThat(FileCensus.compare(ten, ten, 10)).isEqualTo("as many as the volume holds");
    assertThat(FileCensus.compare(ten, ten, 9))
        .startsWith(FileCensus.MISSING)
        .contains("(9)", "10 before");
    assertThat(FileCensus.compare(ten, new FileCensus.Count(12, 0), 9))
        .doesNotStartWith(FileCensus.MISSING);
    assertThat(FileCensus.compare(ten, new FileCensus.Count(12, 0), 7))
        .startsWith(FileCensus.MISSING);
    assertThat(FileCensus.compare(null, null, 3)).startsWith("not compared");
  }
}
