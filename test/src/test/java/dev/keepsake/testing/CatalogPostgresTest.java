package dev.keepsake.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keepsake.api.AppBinding;
import dev.keepsake.api.Repository;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * catalog/postgres through its own manifests: seed → back up → drop → restore → compare, on a real
 * PostgreSQL.
 */
class CatalogPostgresTest {
  private static final String ADMIN_PASSWORD = "admin password 'quoted'";
  private static final int LARGE_ROWS = 1_000_000;
  private static PostgresServer postgres;
  private static S3Server s3;
  private static Map<String, String> seeded;

  @TempDir Path work;

  @BeforeAll
  static void startServers(@TempDir Path servers) {
    postgres = PostgresServer.start("admin", ADMIN_PASSWORD);
    s3 = S3Server.start(servers.resolve("s3"));
    seed();
    seeded = fingerprints();
  }

  @AfterAll
  static void stopServers() {
    postgres.close();
    s3.close();
  }

  private static void seed() {
    postgres.sql(
        "postgres",
        "CREATE ROLE app LOGIN PASSWORD 'app-password'",
        "CREATE ROLE reporting NOLOGIN",
        "GRANT reporting TO app",
        "CREATE DATABASE shop OWNER app",
        "CREATE DATABASE analytics");
    postgres.sql(
        "shop",
        "CREATE SCHEMA sales AUTHORIZATION app",
        "CREATE SCHEMA audit",
        "CREATE TYPE sales.status AS ENUM ('new', 'paid', 'shipped')",
        "CREATE TABLE sales.customers (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE, name text, created_at timestamptz NOT NULL)",
        "ALTER TABLE sales.customers OWNER TO app",
        "CREATE TABLE sales.orders (id bigserial PRIMARY KEY, customer_id bigint NOT NULL REFERENCES sales.customers(id) ON DELETE CASCADE,"
            + " amount numeric(12,2) NOT NULL CHECK (amount > 0), status sales.status NOT NULL DEFAULT 'new', note text)",
        "CREATE SEQUENCE sales.invoice_no START 1000",
        "SELECT setval('sales.invoice_no', 4242)",
        "INSERT INTO sales.customers (email, name, created_at) SELECT 'c' || i || '@example.com', 'Kunde Nr. ' || i || ' – ü',"
            + " timestamptz '2024-01-01 00:00+00' + i * interval '1 minute' FROM generate_series(1, 20000) i",
        "INSERT INTO sales.orders (customer_id, amount, status, note) SELECT 1 + i % 20000, (i % 997) + 0.99,"
            + " (ARRAY['new','paid','shipped'])[1 + i % 3]::sales.status, CASE WHEN i % 10 = 0 THEN NULL ELSE 'tab\tand\nnewline' END"
            + " FROM generate_series(1, 60000) i",
        "CREATE VIEW sales.revenue AS SELECT customer_id, sum(amount) AS total FROM sales.orders GROUP BY customer_id",
        "CREATE FUNCTION sales.next_invoice() RETURNS bigint LANGUAGE sql AS $$ SELECT nextval('sales.invoice_no') $$",
        "GRANT SELECT ON sales.revenue TO reporting",
        "CREATE TABLE audit.events (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at timestamptz NOT NULL, kind text, payload jsonb)",
        "INSERT INTO audit.events (at, kind, payload) SELECT timestamptz '2024-01-01 00:00+00' + i * interval '1 second',"
            + " 'kind-' || i % 17, jsonb_build_object('n', i, 'hash', md5(i::text), 'tags', jsonb_build_array('a', i % 5))"
            + " FROM generate_series(1, "
            + LARGE_ROWS
            + ") i");
    postgres.sql(
        "analytics",
        "CREATE TABLE daily (day date PRIMARY KEY, visits integer NOT NULL CHECK (visits >= 0))",
        "INSERT INTO daily SELECT date '2020-01-01' + i, i * 7 % 1000 FROM generate_series(0, 1999) i");
  }

  /**
   * What a user would compare: roles, and per database every table's rows, sequences, constraints,
   * owners.
   */
  private static Map<String, String> fingerprints() {
    Map<String, String> prints = new java.util.TreeMap<>();
    prints.put(
        "roles",
        postgres.sql(
            "postgres",
            "SELECT string_agg(rolname || ':' || rolcanlogin, ',' ORDER BY rolname)"
                + " FROM pg_roles WHERE rolname !~ '^pg_'"));
    prints.put(
        "memberships",
        postgres.sql(
            "postgres",
            "SELECT string_agg(r.rolname || '>' || m.rolname, ',' ORDER BY r.rolname, m.rolname)"
                + " FROM pg_auth_members a JOIN pg_roles r ON r.oid = a.roleid JOIN pg_roles m ON m.oid = a.member"
                + " WHERE r.rolname !~ '^pg_'"));
    for (String database : databases()) {
      prints.put(database, fingerprint(database));
    }
    return prints;
  }

  private static List<String> databases() {
    return List.of(
            postgres
                .sql(
                    "postgres",
                    "SELECT string_agg(datname, ',' ORDER BY datname) FROM pg_database"
                        + " WHERE NOT datistemplate AND datname <> 'postgres'")
                .split(","))
        .stream()
        .filter(s -> !s.isBlank())
        .toList();
  }

  private static String fingerprint(String database) {
    String tables =
        postgres.sql(
            database,
            "SELECT string_agg(format('%I.%I', schemaname, tablename), ',' ORDER BY schemaname, tablename)"
                + " FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')");
    StringBuilder print = new StringBuilder();
    for (String table : tables.split(",")) {
      print
          .append(table)
          .append('=')
          .append(
              postgres.sql(
                  database,
                  "SELECT count(*) || ':' || md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM "
                      + table
                      + " t"))
          .append('\n');
    }
    print
        .append(
            postgres.sql(
                database,
                "SELECT string_agg(format('%s.%s=%s/%s', schemaname, sequencename, last_value, data_type),"
                    + " ',' ORDER BY schemaname, sequencename) FROM pg_sequences"))
        .append('\n');
    print
        .append(
            postgres.sql(
                database,
                "SELECT string_agg(conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid),"
                    + " E'\\n' ORDER BY conrelid::regclass::text, conname) FROM pg_constraint WHERE connamespace::regnamespace::text NOT IN ('pg_catalog', 'information_schema')"))
        .append('\n');
    print
        .append(
            postgres.sql(
                database,
                "SELECT string_agg(schemaname || '.' || tablename || ' ' || tableowner, ',' ORDER BY schemaname, tablename)"
                    + " FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"))
        .append('\n');
    print
        .append(
            postgres.sql(
                database,
                "SELECT string_agg(viewname || ' ' || definition, ',' ORDER BY viewname) FROM pg_views"
                    + " WHERE schemaname = 'sales'"))
        .append('\n');
    print.append(
        postgres.sql(
            database,
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()"));
    return print.toString();
  }

  private static void dropEverything() {
    postgres.sql(
        "postgres",
        "DROP DATABASE IF EXISTS shop",
        "DROP DATABASE IF EXISTS analytics",
        "DROP ROLE IF EXISTS app",
        "DROP ROLE IF EXISTS reporting");
    assertThat(databases()).isEmpty();
  }

  private AppBinding binding(CatalogRun run, String password) {
    return run.appBinding(
        "postgres",
        postgres.url(),
        Map.of("username", postgres.user(), "password", password),
        Map.of());
  }

  @ParameterizedTest(name = "{0} repository")
  @ValueSource(strings = {"local", "s3"})
  void theWholeClusterComesBackAfterItsDatabasesAndRolesAreDropped(String kind) {
    CatalogRun run = new CatalogRun("postgres", work);
    AppBinding binding = binding(run, ADMIN_PASSWORD);
    Repository repository = run.repository(kind, s3);
    run.timed(
        "pg_dumpall backup to " + kind,
        () -> run.backup(repository, binding, null, "postgres-backup-15", Map.of()));
    dropEverything();

    run.timed(
        "psql restore from " + kind,
        () -> run.restore(repository, binding, null, "postgres-restore-15", Map.of(), ""));

    assertThat(fingerprints()).isEqualTo(seeded);
  }

  @Test
  void oneDatabaseOfAClusterDumpIsRestoredAlone() {
    CatalogRun run = new CatalogRun("postgres", work);
    AppBinding binding = binding(run, ADMIN_PASSWORD);
    Repository repository = run.repository("local", s3);
    run.timed(
        "pg_dumpall backup",
        () -> run.backup(repository, binding, null, "postgres-backup-15", Map.of()));
    dropEverything();

    run.timed(
        "psql restore of analytics",
        () ->
            run.restore(
                repository,
                binding,
                null,
                "postgres-restore-15",
                Map.of("DATABASE", "analytics"),
                ""));

    assertThat(databases()).containsExactly("analytics");
    assertThat(fingerprint("analytics")).isEqualTo(seeded.get("analytics"));
    run.timed(
        "psql restore of everything",
        () -> run.restore(repository, binding, null, "postgres-restore-15", Map.of(), ""));
    assertThat(fingerprints()).isEqualTo(seeded);
  }

  @Test
  void oneDatabaseInCustomFormatComesBackWithPgRestore() {
    CatalogRun run = new CatalogRun("postgres", work);
    AppBinding binding = binding(run, ADMIN_PASSWORD);
    Repository repository = run.repository("local", s3);
    run.timed(
        "pg_dump -Fc backup of shop",
        () ->
            run.backup(
                repository,
                binding,
                null,
                "postgres-backup-database-15",
                Map.of("DATABASE", "shop")));
    postgres.sql("postgres", "DROP DATABASE shop");

    run.timed(
        "pg_restore of shop",
        () ->
            run.restore(
                repository,
                binding,
                null,
                "postgres-restore-database-15",
                Map.of("DATABASE", "shop"),
                ""));

    assertThat(fingerprint("shop")).isEqualTo(seeded.get("shop"));
  }

  @Test
  void aRestoreWithAWrongPasswordFailsClearlyAndLeavesTheRepositoryAlone() {
    CatalogRun run = new CatalogRun("postgres", work);
    Repository repository = run.repository("local", s3);
    run.timed(
        "pg_dump backup of analytics",
        () ->
            run.backup(
                repository,
                binding(run, ADMIN_PASSWORD),
                null,
                "postgres-backup-database-15",
                Map.of("DATABASE", "analytics")));
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
            repository,
            binding(run, "wrong password"),
            null,
            "postgres-restore-database-15",
            Map.of("DATABASE", "analytics"),
            "");

    assertThat(restore.succeeded()).isFalse();
    assertThat(restore.last().message())
        .contains("password authentication failed", "pg_restore")
        .doesNotContain("wrong password");
    assertThat(restic.snapshots()).hasSize(1);
    assertThat(restic.locks()).isZero();
    assertThat(fingerprint("analytics")).isEqualTo(seeded.get("analytics"));
  }

  /**
   * The runner as the Functions run it, straight against the server, with a dump that leaves
   * something out.
   */
  private RunnerProcess.Result backUpLeavingOut(String... dump) {
    java.util.Map<String, String> environment =
        new java.util.HashMap<>(LocalTools.runnerEnvironment());
    environment.putAll(
        Map.of(
            "RESTIC_REPOSITORY",
            work.resolve("repository").toString(),
            "RESTIC_PASSWORD",
            "restic password",
            "PGUSER",
            postgres.user(),
            "PGPASSWORD",
            ADMIN_PASSWORD,
            "PATH",
            LocalTools.folder(work) + ":" + System.getenv("PATH")));
    RunnerProcess runner = new RunnerProcess(work, environment);
    runner.run("init");
    java.util.List<String> args =
        new java.util.ArrayList<>(
            java.util.List.of(
                "backup",
                "--host",
                "postgres",
                "--",
                "keepsake",
                "postgres-dump",
                "--host=127.0.0.1",
                "--port=" + postgres.port()));
    args.addAll(java.util.List.of(dump));
    RunnerProcess.Result backup = runner.run(args.toArray(String[]::new));
    assertThat(runner.snapshots()).as("a dump short of the server is never stored").isEmpty();
    return backup;
  }

  @Test
  void aClusterDumpWithoutOneDatabaseFailsWithTheFigures() {
    RunnerProcess.Result backup = backUpLeavingOut("--", "--exclude-database=analytics");

    assertThat(backup.exit()).isNotZero();
    assertThat(backup.reason()).isEqualTo("IncompleteDump");
    assertThat(backup.message())
        .contains(
            "pg_dumpall exited 0",
            "database analytics (1 tables) is not in the dump",
            "no snapshot was written");
  }

  @Test
  void aDatabaseDumpWithoutOneTableFailsWithTheFigures() {
    RunnerProcess.Result backup =
        backUpLeavingOut("--database=shop", "--", "--exclude-table=audit.events");

    assertThat(backup.exit()).isNotZero();
    assertThat(backup.reason()).isEqualTo("IncompleteDump");
    assertThat(backup.message())
        .contains("pg_dump exited 0", "database shop: 2 tables in the dump, 3 on the server");
  }
}
