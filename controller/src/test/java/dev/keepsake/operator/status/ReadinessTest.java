package dev.keepsake.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keepsake.api.Backend;
import dev.keepsake.api.BackupConfiguration;
import dev.keepsake.api.BackupConfigurationSpec;
import dev.keepsake.api.NamedRef;
import dev.keepsake.api.NamespacedRef;
import dev.keepsake.api.Repository;
import dev.keepsake.api.RepositorySpec;
import dev.keepsake.api.RestoreSession;
import dev.keepsake.api.RestoreSessionSpec;
import dev.keepsake.api.RestoreTarget;
import dev.keepsake.api.S3Backend;
import dev.keepsake.api.SnapshotSource;
import dev.keepsake.api.Target;
import dev.keepsake.api.TargetRef;
import dev.keepsake.api.TaskRef;
import dev.keepsake.api.UsagePolicy;
import dev.keepsake.desired.OperatorSettings;
import dev.keepsake.resolve.BuiltIns;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Whether a configuration or a restore can run, from what the cache holds of their inputs. */
class ReadinessTest {
  private static final OperatorSettings SETTINGS = OperatorSettings.defaults();
  private static final TargetRef CLAIM =
      new TargetRef().apiGroup("").kind("PersistentVolumeClaim").name("uploads");

  private static Repository repository(String namespace) {
    return new Repository()
        .metadata(new V1ObjectMeta().name("backups").namespace(namespace).uid("r-1"))
        .spec(
            new RepositorySpec()
                .backend(
                    new Backend().s3(new S3Backend().endpoint("https://s3.example").bucket("b")))
                .secret(new NamedRef().name("creds")));
  }

  private static BackupConfiguration configuration(String schedule, String repositoryNamespace) {
    return new BackupConfiguration()
        .metadata(new V1ObjectMeta().name("uploads").namespace("shop").uid("c-1"))
        .spec(
            new BackupConfigurationSpec()
                .schedule(schedule)
                .repository(new NamespacedRef().name("backups").namespace(repositoryNamespace))
                .target(new Target().ref(CLAIM).paths(List.of("/data")))
                .task(new TaskRef().name("keepsake-volume-backup")));
  }

  private static ConfigurationReadiness.Observed observed(Repository repository, String task) {
    return new ConfigurationReadiness.Observed(
        repository, Map.of(), BuiltIns.task(task).orElse(null), BuiltIns.functions(), null);
  }

  @Test
  void aConfigurationIsReadyWhenEveryInputIsThereAndItsTaskResolves() {
    Readiness ready =
        ConfigurationReadiness.assess(
            configuration("0 3 * * *", null),
            observed(repository("shop"), "keepsake-volume-backup"),
            SETTINGS);

    assertThat(ready.ready()).isTrue();
    assertThat(ready.reason()).isEqualTo("Scheduled");
  }

  @Test
  void aScheduleThatNeverFiresIsReadyForBackupsStartedByHand() {
    Readiness ready =
        ConfigurationReadiness.assess(
            configuration("0 0 31 2 *", null),
            observed(repository("shop"), "keepsake-volume-backup"),
            SETTINGS);

    assertThat(ready.ready()).isTrue();
    assertThat(ready.message())
        .isEqualTo(
            "schedule '0 0 31 2 *' names a date that never comes: backups into Repository backups"
                + " start only when a BackupSession is made (kubectl keepsake trigger)");
  }

  @Test
  void aConfigurationSaysTheFirstThingThatIsMissingOrWrong() {
    assertThat(
            ConfigurationReadiness.assess(
                    configuration("0 3 * * *", "storage"),
                    observed(null, "keepsake-volume-backup"),
                    SETTINGS)
                .message())
        .isEqualTo("Repository storage/backups does not exist (yet)");
    assertThat(
            ConfigurationReadiness.assess(
                    configuration("0 3 * * *", null),
                    observed(repository("shop"), "nothing-like-it"),
                    SETTINGS)
                .reason())
        .isEqualTo("TaskNotFound");
    Readiness refused =
        ConfigurationReadiness.assess(
            configuration("0 3 * * *", "storage"),
            observed(repository("storage"), "keepsake-volume-backup"),
            SETTINGS);
    assertThat(refused.reason()).isEqualTo("RepositoryNotAllowed");
    assertThat(refused.recheckAfter()).as("a policy may change: looked at again").isNotNull();
  }

  private static Repository withReady(Repository repository, boolean ready, String reason) {
    return repository.status(
        new dev.keepsake.api.RepositoryStatus()
            .conditions(
                Conditions.set(
                    null,
                    Conditions.READY,
                    ready,
                    reason,
                    ready
                        ? "Secret creds is there"
                        : "Secret creds does not exist in namespace shop",
                    1L,
                    java.time.OffsetDateTime.now())));
  }

  @Test
  void
      aConfigurationIsNotReadyWhileItsRepositorysSecretIsMissingNamingTheSecretOnlyInItsNamespace() {
    Readiness notReady =
        ConfigurationReadiness.repositorySecretMissing(
                withReady(repository("shop"), false, "SecretNotFound"), "shop", "shop")
            .orElseThrow();

    assertThat(notReady.ready()).isFalse();
    assertThat(notReady.reason()).isEqualTo("RepositoryNotReady");
    assertThat(notReady.message())
        .isEqualTo(
            "Repository shop/backups (spec.repository) is not ready: Secret creds does not exist in"
                + " namespace shop (its spec.secret.name); scheduled backups fail until it does");
    assertThat(notReady.recheckAfter()).as("the Secret may come").isNotNull();
    assertThat(
            ConfigurationReadiness.repositorySecretMissing(
                    withReady(repository("storage"), false, "SecretNotFound"), "storage", "shop")
                .orElseThrow()
                .message())
        .as("another namespace's Secret is not named")
        .isEqualTo(
            "Repository storage/backups (spec.repository) is not ready: its Secret does not exist"
                + " in namespace storage; scheduled backups fail until it does");

    assertThat(
            ConfigurationReadiness.repositorySecretMissing(
                withReady(repository("shop"), true, "SecretFound"), "shop", "shop"))
        .isEmpty();
    assertThat(
            ConfigurationReadiness.repositorySecretMissing(
                withReady(repository("shop"), false, "InvalidSpec"), "shop", "shop"))
        .as("the Repository's own faults are its own status's business")
        .isEmpty();
    assertThat(ConfigurationReadiness.repositorySecretMissing(repository("shop"), "shop", "shop"))
        .as("not looked at yet")
        .isEmpty();
  }

  private static RestoreSession restore(SnapshotSource source) {
    return new RestoreSession()
        .metadata(new V1ObjectMeta().name("back").namespace("shop").uid("s-1"))
        .spec(
            new RestoreSessionSpec()
                .repository(new NamespacedRef().name("backups").namespace("storage"))
                .snapshot("latest")
                .source(source)
                .target((RestoreTarget) new RestoreTarget().ref(CLAIM))
                .task(new TaskRef().name("keepsake-volume-restore")));
  }

  @Test
  void aRestoreWaitingForItsRepositoryNamesTheNamespaceItLooksIn() {
    Readiness waiting =
        RestoreReadiness.assess(
            restore(null),
            null,
            Map.of(),
            BuiltIns.task("keepsake-volume-restore").orElseThrow(),
            BuiltIns.functions(),
            null,
            SETTINGS);

    assertThat(waiting.reason()).isEqualTo("RepositoryNotFound");
    assertThat(waiting.message()).isEqualTo("Repository storage/backups does not exist (yet)");
  }

  @Test
  void aRestoreFromASharedRepositoryRestoresOnlyItsNamespacesOwnTargets() {
    Repository shared = repository("storage");
    shared
        .getSpec()
        .usagePolicy(
            new UsagePolicy()
                .allowedNamespaces(new dev.keepsake.api.AllowedNamespaces().from("All")));

    Readiness foreign =
        RestoreReadiness.assess(
            restore(new SnapshotSource().host("billing/pvc/uploads")),
            shared,
            Map.of(),
            BuiltIns.task("keepsake-volume-restore").orElseThrow(),
            BuiltIns.functions(),
            null,
            SETTINGS);
    Readiness own =
        RestoreReadiness.assess(
            restore(new SnapshotSource().host("shop/pvc/uploads")),
            shared,
            Map.of(),
            BuiltIns.task("keepsake-volume-restore").orElseThrow(),
            BuiltIns.functions(),
            null,
            SETTINGS);

    assertThat(foreign.reason()).isEqualTo("SourceNotAllowed");
    assertThat(foreign.message())
        .startsWith("spec.source.host billing/pvc/uploads is not a target of namespace shop");
    assertThat(own.ready()).as(own.message()).isTrue();
  }
}
