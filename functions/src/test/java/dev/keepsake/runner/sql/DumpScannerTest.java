package dev.keepsake.runner.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DumpScannerTest {
  private static TableCounts scan(DumpScanner.Dialect dialect, String database, String dump) {
    DumpScanner scanner = new DumpScanner(dialect, database);
    dump.lines().forEach(scanner::line);
    return scanner.counts();
  }

  @Test
  void aClusterDumpCountsTheTablesOfEachDatabaseButNotWhatFunctionsOrDataSay() {
    String dump =
        """
        --
        -- Database "postgres" dump
        --
        \\connect postgres
        --
        -- Database "shop" dump
        --
        CREATE DATABASE shop WITH TEMPLATE = template0;
        \\connect shop
        CREATE FUNCTION public.setup() RETURNS void
            LANGUAGE plpgsql
            AS $$
        BEGIN
        CREATE TABLE public.scratch (id int);
        END
        $$;
        CREATE TABLE public.orders (
            id bigint
        );
        CREATE UNLOGGED TABLE public.cache (
            k text
        );
        CREATE FOREIGN TABLE public.remote (id int) SERVER elsewhere;
        COPY public.orders (id) FROM stdin;
        CREATE TABLE public.not_a_table (a statement stored as data)
        \\.
        """;

    TableCounts counts = scan(DumpScanner.Dialect.POSTGRES, null, dump);

    assertThat(counts.tables()).isEqualTo(Map.of("postgres", 0L, "shop", 2L));
    assertThat(counts.inventory()).isEqualTo(Map.of("databases", 2L, "tables", 2L));
  }

  @Test
  void aMariadbDumpCountsTablesButNotViewStubsOrRoutineBodies() {
    String dump =
        """
        -- Current Database: `shop`
        CREATE DATABASE /*!32312 IF NOT EXISTS*/ `shop`;
        USE `shop`;
        CREATE TABLE `orders` (
          `id` bigint
        );
        /*!50001 CREATE VIEW `revenue` AS SELECT 1 AS `total` */;
        DELIMITER ;;
        CREATE PROCEDURE `p`()
        CREATE TABLE inside_a_body (id int);;
        DELIMITER ;
        -- Current Database: `weird``name`
        CREATE TABLE `t` (id int);
        """;

    assertThat(scan(DumpScanner.Dialect.MARIADB, null, dump).tables())
        .isEqualTo(Map.of("shop", 1L, "weird`name", 1L));
  }

  @Test
  void anArchiveTableOfContentsCountsTablesNotTheirData() {
    String toc =
        """
        ;
        ; Archive created at 2026-12-03 10:00:00 UTC
        215; 1259 16386 TABLE public accounts app
        216; 1259 16390 TABLE sales orders app
        3345; 0 16386 TABLE DATA public accounts app
        217; 1259 16394 VIEW public revenue app
        """;

    assertThat(scan(DumpScanner.Dialect.POSTGRES_TOC, "shop", toc).tables())
        .isEqualTo(Map.of("shop", 2L));
  }

  @Test
  void aDumpFallsShortOnlyBeyondWhatChangedDuringIt() {
    TableCounts server = new TableCounts(Map.of("shop", 4L, "analytics", 1L));

    assertThat(CensusCheck.compare(server, server, server).complete()).isTrue();
    CensusCheck.Result short1 =
        CensusCheck.compare(server, server, new TableCounts(Map.of("shop", 3L, "analytics", 1L)));
    assertThat(short1.complete()).isFalse();
    assertThat(short1.summary()).contains("database shop: 3 tables in the dump, 4 on the server");
    CensusCheck.Result missing =
        CensusCheck.compare(server, server, new TableCounts(Map.of("shop", 4L)));
    assertThat(missing.incomplete())
        .containsExactly("database analytics (1 tables) is not in the dump");
    TableCounts grew = new TableCounts(Map.of("shop", 6L, "analytics", 1L));
    assertThat(
            CensusCheck.compare(server, grew, new TableCounts(Map.of("shop", 3L, "analytics", 1L)))
                .complete())
        .isTrue();
    assertThat(CensusCheck.shortfalls(server, new TableCounts(Map.of("shop", 5L, "analytics", 0L))))
        .containsExactly("database analytics: the dump created 1 tables, the server holds 0");
  }
}
