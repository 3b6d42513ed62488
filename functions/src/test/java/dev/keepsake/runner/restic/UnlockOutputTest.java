package dev.keepsake.runner.restic;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How many locks `restic unlock --remove-all` removed, as it says (restic 0.17 and later). */
class UnlockOutputTest {
  @Test
  void theCountRestic017Prints() {
    assertThat(Restic.removedCount("successfully removed 3 locks\n")).hasValue(3);
  }

  @Test
  void olderResticSaysNoCount() {
    assertThat(Restic.removedCount("successfully removed locks\n")).isEmpty();
  }

  @Test
  void nothingRemovedPrintsNothing() {
    assertThat(Restic.removedCount("")).isEmpty();
  }
}
