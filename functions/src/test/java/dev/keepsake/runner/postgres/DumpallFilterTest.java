package dev.keepsake.runner.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DumpallFilterTest {
  private static final String DUMPALL =
      """
      --
      -- PostgreSQL database cluster dump
      --
      DROP DATABASE IF EXISTS analytics;
      DROP DATABASE IF EXISTS shop;
      DROP ROLE IF EXISTS admin;
      DROP ROLE IF EXISTS app;
      CREATE ROLE admin;
      ALTER ROLE admin WITH SUPERUSER LOGIN;
      CREATE ROLE app;
      ALTER ROLE app WITH LOGIN;
      GRANT app TO admin GRANTED BY admin;
      --
      -- Database "analytics" dump
      --
      CREATE DATABASE analytics;
      \\connect analytics
      CREATE TABLE events (id bigint);
      --
      -- Database "shop" dump
      --
      CREATE DATABASE shop;
      \\connect shop
      CREATE TABLE orders (id bigint);
      --
      -- PostgreSQL database cluster dump complete
      --
      """;

  private static String filter(String database, boolean roles) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new DumpallFilter(database, roles)
        .filter(new ByteArrayInputStream(DUMPALL.getBytes(StandardCharsets.UTF_8)), out);
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void rolesAreCreatedIfMissingAndNeverDropped() throws IOException {
    String script = filter(null, true);

    assertThat(script)
        .doesNotContain("DROP ROLE")
        .contains(
            "DO $keepsake$ BEGIN CREATE ROLE app; EXCEPTION WHEN duplicate_object THEN NULL; END $keepsake$;")
        .contains(
            "ALTER ROLE app WITH LOGIN;",
            "DROP DATABASE IF EXISTS shop;",
            "CREATE TABLE orders",
            "CREATE TABLE events");
  }

  @Test
  void oneDatabaseKeepsItsSectionAndDropsNoOther() throws IOException {
    String script = filter("shop", true);

    assertThat(script)
        .contains("DROP DATABASE IF EXISTS shop;", "CREATE TABLE orders", "cluster dump complete")
        .doesNotContain(
            "DROP DATABASE IF EXISTS analytics;", "CREATE TABLE events", "\\connect analytics");
  }

  @Test
  void rolesCanBeLeftOut() throws IOException {
    assertThat(filter(null, false))
        .doesNotContain("CREATE ROLE", "ALTER ROLE", "GRANT app")
        .contains("CREATE TABLE orders");
  }
}
