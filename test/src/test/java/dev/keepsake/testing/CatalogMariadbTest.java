package dev.keepsake.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keepsake.api.AppBinding;
import dev.keepsake.api.Repository;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * catalog/mariadb through its own manifests: seed → back up → drop → restore → compare, on a real
 * MariaDB.
 */
class CatalogMariadbTest {
  private static final String ADMIN_PASSWORD = "admin pass with 'quotes'";
  private static final int LARGE_ROWS = 1_000_000;
  private static MariadbServer mariadb;
  private static S3Server s3;
  private static Map<String, String> seeded;

  @TempDir Path work;

  @BeforeAll
  static void startServers(@TempDir Path servers) {
    mariadb = MariadbServer.start("admin", ADMIN_PASSWORD);
    s3 = S3Server.start(servers.resolve("s3"));
    seed();
    seeded = fingerprints();
  }

  @AfterAll
  static void stopServers() {
    mariadb.close();
    s3.close();
  }

  private static void seed() {
    mariadb.sql(
        "CREATE DATABASE shop CHARACTER SET utf8mb4",
        "CREATE DATABASE analytics",
        "USE shop",
        "CREATE TABLE customers (id bigint AUTO_INCREMENT PRIMARY KEY, email varchar(200) NOT NULL UNIQUE,"
            + " name varchar(200), created_at datetime NOT NULL)",
        "CREATE TABLE orders (id bigint AUTO_INCREMENT PRIMARY KEY, customer_id bigint NOT NULL, amount decimal(12,2) NOT NULL,"
            + " status enum('new','paid','shipped') NOT NULL DEFAULT 'new', note text, CONSTRAINT amount_positive CHECK (amount > 0),"
            + " CONSTRAINT orders_customer FOREIGN KEY (customer_id) REFERENCES customers(id) ON DELETE CASCADE)",
        "CREATE TABLE order_log (id bigint AUTO_INCREMENT PRIMARY KEY, order_id bigint NOT NULL, logged varchar(50))",
        "CREATE TABLE events (id bigint AUTO_INCREMENT PRIMARY KEY, at datetime NOT NULL, kind varchar(20), payload varbinary(64))",
        "CREATE TRIGGER orders_logged AFTER INSERT ON orders FOR EACH ROW INSERT INTO order_log (order_id, logged) VALUES (NEW.id, 'inserted')",
        "INSERT INTO customers (email, name, created_at) SELECT concat('c', seq, '@example.com'), concat('Kunde Nr. ', seq, ' – ü'),"
            + " '2024-01-01' + INTERVAL seq MINUTE FROM seq_1_to_20000",
        "INSERT INTO orders (customer_id, amount, status, note) SELECT 1 + seq % 20000, (seq % 997) + 0.99,"
            + " elt(1 + seq % 3, 'new', 'paid', 'shipped'), IF(seq % 10 = 0, NULL, 'tab\tand\nnewline') FROM seq_1_to_60000",
        "INSERT INTO events (at, kind, payload) SELECT '2024-01-01' + INTERVAL seq SECOND, concat('kind-', seq % 17),"
            + " unhex(concat(md5(seq), sha1(seq))) FROM seq_1_to_"
            + LARGE_ROWS,
        "CREATE VIEW revenue AS SELECT customer_id, sum(amount) AS total FROM orders GROUP BY customer_id",
        "CREATE PROCEDURE add_order(IN customer bigint, IN value decimal(12,2)) INSERT INTO orders (customer_id, amount) VALUES (customer, value)",
        "CREATE FUNCTION order_total(customer bigint) RETURNS decimal(14,2) READS SQL DATA"
            + " RETURN (SELECT coalesce(sum(amount), 0) FROM orders WHERE customer_id = customer)",
        "CREATE EVENT purge_log ON SCHEDULE EVERY 1 DAY DO DELETE FROM order_log WHERE id < 0",
        "USE analytics",
        "CREATE TABLE daily (day date PRIMARY KEY, visits int NOT NULL)",
        "INSERT INTO daily SELECT '2020-01-01' + INTERVAL seq DAY, seq * 7 % 1000 FROM seq_0_to_1999");
  }

  private static Map<String, String> fingerprints() {
    Map<String, String> prints = new TreeMap<>();
    for (String database : databases()) {
      prints.put(database, fingerprint(database));
    }
    return prints;
  }

  private static List<String> databases() {
    String names =
        mariadb.sql(
            "SELECT schema_name FROM information_schema.schemata WHERE schema_name NOT IN"
                + " ('mysql', 'information_schema', 'performance_schema', 'sys') ORDER BY schema_name");
    return names.isEmpty() ? List.of() : List.of(names.split("\n"));
  }

  /**
   * Rows (CHECKSUM TABLE), next AUTO_INCREMENT values, constraints, triggers, routines, events and
   * views.
   */
  private static String fingerprint(String database) {
    String tables =
        mariadb.sql(
            "SELECT group_concat(concat('`', table_schema, '`.`', table_name, '`') ORDER BY table_name)"
                + " FROM information_schema.tables WHERE table_schema = '"
                + database
                + "' AND table_type = 'BASE TABLE'");
    return String.join(
        "\n",
        mariadb.sql("CHECKSUM TABLE " + tables + " EXTENDED"),
        mariadb.sql(
            "SELECT table_name, table_rows IS NOT NULL, auto_increment FROM information_schema.tables"
                + " WHERE table_schema = '"
                + database
                + "' ORDER BY table_name"),
        mariadb.sql(
            "SELECT constraint_name, table_name, constraint_type FROM information_schema.table_constraints"
                + " WHERE constraint_schema = '"
                + database
                + "' ORDER BY table_name, constraint_name"),
        mariadb.sql(
            "SELECT constraint_name, check_clause FROM information_schema.check_constraints"
                + " WHERE constraint_schema = '"
                + database
                + "' ORDER BY constraint_name"),
        mariadb.sql(
            "SELECT trigger_name, action_timing, event_manipulation, action_statement FROM information_schema.triggers"
                + " WHERE trigger_schema = '"
                + database
                + "' ORDER BY trigger_name"),
        mariadb.sql(
            "SELECT routine_name, routine_type, routine_definition FROM information_schema.routines"
                + " WHERE routine_schema = '"
                + database
                + "' ORDER BY routine_name"),
        mariadb.sql(
            "SELECT event_name, event_definition, interval_value, interval_field FROM information_schema.events"
                + " WHERE event_schema = '"
                + database
                + "' ORDER BY event_name"),
        mariadb.sql(
            "SELECT table_name, view_definition FROM information_schema.views"
                + " WHERE table_schema = '"
                + database
                + "' ORDER BY table_name"));
  }

  private static void dropEverything() {
    mariadb.sql("DROP DATABASE IF EXISTS shop", "DROP DATABASE IF EXISTS analytics");
    assertThat(databases()).isEmpty();
  }

  private AppBinding binding(CatalogRun run, String password) {
    return run.appBinding(
        "mariadb",
        mariadb.url(),
        Map.of("username", mariadb.user(), "password", password),
        Map.of());
  }

  @ParameterizedTest(name = "{0} repository")
  @ValueSource(strings = {"local", "s3"})
  void tablesTriggersRoutinesAndEventsComeBackAfterTheDatabasesAreDropped(String kind) {
    CatalogRun run = new CatalogRun("mariadb", work);
    AppBinding binding = binding(run, ADMIN_PASSWORD);
    Repository repository = run.repository(kind, s3);
    run.timed(
        "mariadb-dump backup to " + kind,
        () -> run.backup(repository, binding, null, "mariadb-backup-10", Map.of()));
    dropEverything();

    run.timed(
        "mariadb restore from " + kind,
        () -> run.restore(repository, binding, null, "mariadb-restore-10", Map.of(), ""));

    assertThat(fingerprints()).isEqualTo(seeded);
  }

  @Test
  void oneDatabaseOfTheDumpIsRestoredAlone() {
    CatalogRun run = new CatalogRun("mariadb", work);
    AppBinding binding = binding(run, ADMIN_PASSWORD);
    Repository repository = run.repository("local", s3);
    run.timed(
        "mariadb-dump backup",
        () -> run.backup(repository, binding, null, "mariadb-backup-10", Map.of()));
    dropEverything();

    run.timed(
        "mariadb restore of analytics",
        () ->
            run.restore(
                repository,
                binding,
                null,
                "mariadb-restore-10",
                Map.of("DATABASE", "analytics"),
                ""));

    assertThat(databases()).containsExactly("analytics");
    assertThat(fingerprint("analytics")).isEqualTo(seeded.get("analytics"));
    run.timed(
        "mariadb restore of everything",
        () -> run.restore(repository, binding, null, "mariadb-restore-10", Map.of(), ""));
    assertThat(fingerprints()).isEqualTo(seeded);
  }

  @Test
  void chosenDatabasesAreTheOnlyOnesBackedUp() {
    CatalogRun run = new CatalogRun("mariadb", work);
    AppBinding binding = binding(run, ADMIN_PASSWORD);
    Repository repository = run.repository("local", s3);
    run.timed(
        "mariadb-dump backup of analytics",
        () ->
            run.backup(
                repository, binding, null, "mariadb-backup-10", Map.of("DATABASES", "analytics")));
    dropEverything();

    run.timed(
        "mariadb restore",
        () -> run.restore(repository, binding, null, "mariadb-restore-10", Map.of(), ""));

    assertThat(databases()).containsExactly("analytics");
    assertThat(fingerprint("analytics")).isEqualTo(seeded.get("analytics"));
    dropEverything();
    seed();
  }

  @Test
  void aRestoreWithAWrongPasswordFailsClearlyAndLeavesTheRepositoryAlone() {
    CatalogRun run = new CatalogRun("mariadb", work);
    Repository repository = run.repository("local", s3);
    run.timed(
        "mariadb-dump backup of analytics",
        () ->
            run.backup(
                repository,
                binding(run, ADMIN_PASSWORD),
                null,
                "mariadb-backup-10",
                Map.of("DATABASES", "analytics")));
    RunnerProcess restic =
        new RunnerProcess(
            work,
            Map.of(
                "RESTIC_REPOSITORY",
                work.resolve("repository").toString(),
                "RESTIC_PASSWORD",
                CatalogRun.RESTIC_PASSWORD));

    LocalPod.Outcome restore =
        run.restore(
            repository, binding(run, "wrong password"), null, "mariadb-restore-10", Map.of(), "");

    assertThat(restore.succeeded()).isFalse();
    assertThat(restore.last().message())
        .contains("Access denied for user", "mariadb")
        .doesNotContain("wrong password");
    assertThat(restic.snapshots()).hasSize(1);
    assertThat(restic.locks()).isZero();
  }

  @Test
  void aDumpWithoutOneTableFailsWithTheFiguresAndStoresNothing() {
    Map<String, String> environment = new java.util.HashMap<>(LocalTools.runnerEnvironment());
    environment.putAll(
        Map.of(
            "RESTIC_REPOSITORY",
            work.resolve("repository").toString(),
            "RESTIC_PASSWORD",
            "restic password",
            "MYSQL_PWD",
            ADMIN_PASSWORD,
            "PATH",
            LocalTools.folder(work) + ":" + System.getenv("PATH")));
    RunnerProcess runner = new RunnerProcess(work, environment);
    runner.run("init");

    RunnerProcess.Result backup =
        runner.run(
            "backup",
            "--host",
            "mariadb",
            "--",
            "keepsake",
            "mariadb-dump",
            "--host=127.0.0.1",
            "--port=" + mariadb.port(),
            "--user=" + mariadb.user(),
            "--",
            "--single-transaction",
            "--ignore-table=shop.order_log");

    assertThat(backup.exit()).isNotZero();
    assertThat(backup.reason()).isEqualTo("IncompleteDump");
    assertThat(backup.message())
        .contains(
            "mariadb-dump exited 0",
            "database shop: 3 tables in the dump, 4 on the server",
            "no snapshot was written")
        .doesNotContain(ADMIN_PASSWORD);
    assertThat(runner.snapshots()).isEmpty();
  }
}
