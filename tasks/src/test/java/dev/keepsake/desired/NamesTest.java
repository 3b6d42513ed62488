package dev.keepsake.desired;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NamesTest {
  @Test
  void shortNamesStayAsTheyAre() {
    assertThat(Names.cronJob("redis-nightly")).isEqualTo("keepsake-redis-nightly");
    assertThat(Names.backupJob("redis-nightly-29427870"))
        .isEqualTo("keepsake-backup-redis-nightly-29427870");
  }

  @Test
  void longNamesAreCutWithAHashThatKeepsThemDistinctAndStable() {
    String a = Names.backupJob("a-very-long-configuration-name-for-the-orders-database-29427870");
    String b = Names.backupJob("a-very-long-configuration-name-for-the-orders-database-29427871");

    assertThat(a)
        .hasSizeLessThanOrEqualTo(63)
        .isNotEqualTo(b)
        .matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    assertThat(Names.backupJob("a-very-long-configuration-name-for-the-orders-database-29427870"))
        .isEqualTo(a);
    assertThat(Names.cronJob("a-very-long-configuration-name-for-the-orders-database"))
        .hasSizeLessThanOrEqualTo(52);
  }
}
