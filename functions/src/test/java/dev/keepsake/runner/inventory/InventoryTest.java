package dev.keepsake.runner.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InventoryTest {
  @Test
  void countsTravelThroughSnapshotTagsAndOtherTagsAreLeftAlone() {
    Inventory dumped =
        new Inventory(
            Map.of("keys", 21_000L, "keys.db0", 20_000L, "keys.db2", 1_000L), "21,000 keys", null);

    List<String> tags = dumped.tags();

    assertThat(tags)
        .containsExactly(
            "keepsake.dev/keys=21000", "keepsake.dev/keys.db0=20000", "keepsake.dev/keys.db2=1000");
    List<String> snapshotTags = new java.util.ArrayList<>(tags);
    snapshotTags.add("keepsake.dev/configuration=redis-nightly");
    snapshotTags.add("nightly");
    assertThat(Inventory.fromTags(snapshotTags)).isEqualTo(dumped.counts());
  }

  @Test
  void aRestoreThatDeliveredLessNamesEveryCountThatDiffers() {
    Map<String, Long> backedUp = Map.of("keys", 21_000L, "keys.db0", 20_000L, "keys.db2", 1_000L);

    assertThat(Inventory.mismatch(backedUp, Map.of("keys", 21_000L, "keys.db0", 20_000L))).isNull();
    assertThat(
            Inventory.mismatch(
                backedUp, Map.of("keys", 18_573L, "keys.db0", 17_573L, "keys.db2", 1_000L)))
        .isEqualTo(
            "keys: 21000 backed up, 18573 restored; keys.db0: 20000 backed up, 17573 restored");
  }
}
