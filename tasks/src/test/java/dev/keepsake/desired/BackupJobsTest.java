package dev.keepsake.desired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.gson.JsonObject;
import dev.keepsake.api.AppBinding;
import dev.keepsake.api.BackupConfiguration;
import dev.keepsake.api.BackupSession;
import dev.keepsake.api.Function;
import dev.keepsake.api.Manifests;
import dev.keepsake.api.Repository;
import dev.keepsake.api.RestoreSession;
import dev.keepsake.api.Target;
import dev.keepsake.api.TargetRef;
import dev.keepsake.api.Task;
import dev.keepsake.api.TaskRef;
import dev.keepsake.resolve.BuiltIns;
import dev.keepsake.resolve.ResolutionException;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1Job;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class BackupJobsTest {
  private static final String NAMESPACE = "shop";
  static final OperatorSettings SETTINGS =
      new OperatorSettings(
          "keepsake/runner:0.1.0", "http://pushgateway.monitoring:9091", 3600, "keepsake-job");

  static <T> T example(String kind, String name, Class<T> type) throws Exception {
    try (Stream<Path> files = Files.list(Path.of("../crds/examples/redis"))) {
      JsonObject document =
          files
              .sorted()
              .flatMap(f -> Manifests.read(f).stream())
              .filter(d -> d.get("kind").getAsString().equals(kind))
              .filter(d -> d.getAsJsonObject("metadata").get("name").getAsString().equals(name))
              .findFirst()
              .orElseThrow();
      document.getAsJsonObject("metadata").addProperty("namespace", NAMESPACE);
      document.getAsJsonObject("metadata").addProperty("uid", "uid-" + name);
      return Manifests.toModel(document, type);
    }
  }

  static Map<String, Function> functions() throws Exception {
    Map<String, Function> functions = new HashMap<>(BuiltIns.functions());
    for (String name : List.of("redis-backup-7", "redis-restore-7", "retention-policy")) {
      functions.put(name, example("Function", name, Function.class));
    }
    return functions;
  }

  static BackupJobs.Inputs redisInputs() throws Exception {
    return new BackupJobs.Inputs(
        example("BackupSession", "redis-nightly-manual", BackupSession.class),
        example("BackupConfiguration", "redis-nightly", BackupConfiguration.class),
        example("Repository", "redis-s3", Repository.class),
        example("AppBinding", "redis", AppBinding.class),
        example("Task", "redis-backup-7", Task.class),
        functions(),
        SETTINGS);
  }

  private static String env(V1Container container, String name) {
    return container.getEnv().stream()
        .filter(e -> e.getName().equals(name))
        .map(V1EnvVar::getValue)
        .findFirst()
        .orElse(null);
  }

  @Test
  void aBackupWithoutATimeoutStillHasTheDocumentedDayAsItsJobsDeadline() throws Exception {
    BackupJobs.Inputs inputs = redisInputs();
    inputs.configuration().getSpec().timeout(null);

    V1Job job = BackupJobs.forSession(inputs);

    assertThat(job.getSpec().getActiveDeadlineSeconds())
        .as("a pod that never starts must not hold the session Running for ever")
        .isEqualTo(24 * 3600L + 600L);
  }

  @Test
  void theRedisBackupTaskBecomesADumpInitContainerAndARetentionMainContainer() throws Exception {
    V1Job job = BackupJobs.forSession(redisInputs());

    assertThat(job.getMetadata().getName()).isEqualTo("keepsake-backup-redis-nightly-manual");
    assertThat(job.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "keepsake")
        .containsEntry("keepsake.dev/configuration", "redis-nightly")
        .containsEntry("keepsake.dev/session", "redis-nightly-manual");
    assertThat(job.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            owner -> {
              assertThat(owner.getKind()).isEqualTo("BackupSession");
              assertThat(owner.getUid()).isEqualTo("uid-redis-nightly-manual");
              assertThat(owner.getController()).isTrue();
            });
    assertThat(job.getSpec().getBackoffLimit()).isZero();
    assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(1800L);
    assertThat(job.getSpec().getTtlSecondsAfterFinished()).isEqualTo(3600);
    var pod = job.getSpec().getTemplate().getSpec();
    assertThat(pod.getRestartPolicy()).isEqualTo("Never");
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(65532L);
    assertThat(pod.getInitContainers())
        .extracting(V1Container::getName)
        .containsExactly("redis-backup-7");
    assertThat(pod.getContainers())
        .extracting(V1Container::getName)
        .containsExactly("retention-policy");
    assertThat(pod.getVolumes())
        .extracting(v -> v.getName())
        .containsExactly("scratch", "keepsake-scratch", "keepsake-api-token");

    V1Container dump = pod.getInitContainers().get(0);
    assertThat(dump.getArgs())
        .containsExactly(
            "backup",
            "--session=redis-nightly-manual",
            "--stdin-filename=redis.resp",
            "--",
            "keepsake",
            "redis-dump",
            "--host=redis.shop.svc",
            "--port=6379",
            "--database=0");
    assertThat(dump.getEnv())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("REDISCLI_AUTH");
              assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("redis-auth");
              assertThat(e.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("password");
            });
    assertThat(dump.getEnvFrom())
        .singleElement()
        .satisfies(
            from -> assertThat(from.getSecretRef().getName()).isEqualTo("backup-repository"));
    assertThat(env(dump, "KEEPSAKE_HOST")).isEqualTo("shop/redis");
    assertThat(env(dump, "KEEPSAKE_TAGS")).isEqualTo("keepsake.dev/configuration=redis-nightly");
    assertThat(env(dump, "KEEPSAKE_PUSHGATEWAY_URL"))
        .isEqualTo("http://pushgateway.monitoring:9091");
    assertThat(env(dump, "KEEPSAKE_REPOSITORY"))
        .contains("\"bucket\":\"backups\"", "\"forcePathStyle\":true");
    assertThat(dump.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(dump.getVolumeMounts())
        .extracting(m -> m.getMountPath())
        .contains("/tmp", "/keepsake/scratch");

    V1Container retention = pod.getContainers().get(0);
    assertThat(retention.getArgs())
        .containsExactly(
            "forget",
            "--session=redis-nightly-manual",
            "--keep-last",
            "3",
            "--keep-daily",
            "14",
            "--keep-weekly",
            "8",
            "--keep-monthly",
            "6",
            "--prune",
            "--policy-name",
            "two-weeks");
    assertThat(retention.getResources().getLimits()).containsKey("memory");
  }

  @Test
  void noCredentialValueAppearsAnywhereInTheJob() throws Exception {
    String job = new JSON().serialize(BackupJobs.forSession(redisInputs()));

    assertThat(job)
        .doesNotContain("change-me-redis", "change-me-restic", "keepsake-demo-secret")
        .contains("backup-repository");
  }

  @Test
  void anUndefinedVariableIsRefusedWithItsName() throws Exception {
    BackupJobs.Inputs inputs = redisInputs();
    inputs
        .functions()
        .get("redis-backup-7")
        .getSpec()
        .getArgs()
        .add("--compression=${COMPRESSION}");
    inputs.functions().get("redis-backup-7").getSpec().getArgs().add("${LEVEL:=6}");

    ResolutionException refusal =
        catchThrowableOfType(ResolutionException.class, () -> BackupJobs.forSession(inputs));

    assertThat(refusal.reason()).isEqualTo("UndefinedVariable");
    assertThat(refusal.getMessage())
        .contains("Function redis-backup-7 (step 1) uses the undefined variable ${COMPRESSION}")
        .contains("Define ${COMPRESSION} as params of the Task's step")
        .doesNotContain("LEVEL");
  }

  @Test
  void anAppBindingWithoutTheSecretItsTaskNeedsIsNamedAsTheInputToChange() throws Exception {
    BackupJobs.Inputs inputs = redisInputs();
    inputs.appBinding().getSpec().secret(null);

    ResolutionException refusal =
        catchThrowableOfType(ResolutionException.class, () -> BackupJobs.forSession(inputs));

    assertThat(refusal.reason()).isEqualTo("UndefinedVariable");
    assertThat(refusal.getMessage())
        .contains("uses the undefined variable ${TARGET_SECRET}")
        .contains(
            "The operator sets ${TARGET_SECRET} only when the target is an AppBinding with"
                + " spec.secret: change that input")
        .as("a param of that name would be refused as reserved")
        .doesNotContain("Define");
  }

  @Test
  void aTaskVolumeNamingTheTlsSecretOfAnAppBindingWithoutOneSaysWhatToSet() throws Exception {
    BackupJobs.Inputs inputs = redisInputs();
    inputs.appBinding().getSpec().tlsSecret(null);
    inputs
        .task()
        .getSpec()
        .getVolumes()
        .add(
            new io.kubernetes.client.openapi.models.V1Volume()
                .name("tls")
                .secret(
                    new io.kubernetes.client.openapi.models.V1SecretVolumeSource()
                        .secretName("${TARGET_TLS_SECRET}")));

    ResolutionException refusal =
        catchThrowableOfType(ResolutionException.class, () -> BackupJobs.forSession(inputs));

    assertThat(refusal.getMessage())
        .isEqualTo(
            "Task redis-backup-7 cannot run: its volumes use the undefined variable"
                + " ${TARGET_TLS_SECRET}. The operator sets ${TARGET_TLS_SECRET} only when the"
                + " target is an AppBinding with spec.tlsSecret: change that input, or choose a"
                + " Task made for this target");
  }

  /** Why the Job cannot be made once the Redis backup's Function also has this mount. */
  private static ResolutionException refusalWithExtraMount(String volume, String path)
      throws Exception {
    BackupJobs.Inputs inputs = redisInputs();
    inputs
        .functions()
        .get("redis-backup-7")
        .getSpec()
        .getVolumeMounts()
        .add(new io.kubernetes.client.openapi.models.V1VolumeMount().name(volume).mountPath(path));
    return catchThrowableOfType(ResolutionException.class, () -> BackupJobs.forSession(inputs));
  }

  @Test
  void aMountOfAVolumeTheTaskDoesNotDeclareIsRefusedBeforeAnyJobIsMade() throws Exception {
    ResolutionException refusal = refusalWithExtraMount("data", "/tmp/data");

    assertThat(refusal.reason()).isEqualTo("UnknownVolume");
    assertThat(refusal.getMessage())
        .isEqualTo(
            "step 1 (redis-backup-7) mounts volume data (its Function's spec.volumeMounts), which"
                + " its Task does not declare in spec.volumes");
  }

  @Test
  void aMountWhereTheOperatorMountsItsOwnVolumeIsRefused() throws Exception {
    ResolutionException refusal = refusalWithExtraMount("scratch", "/keepsake/./scratch//");

    assertThat(refusal.reason()).isEqualTo("MountPathTaken");
    assertThat(refusal.getMessage())
        .isEqualTo(
            "step 1 (redis-backup-7) mounts both scratch and keepsake-scratch at /keepsake/scratch;"
                + " choose another path in the Function's spec.volumeMounts");
  }

  @Test
  void aConfigurationParamFillsAVariableAndWinsOverTheStep() throws Exception {
    BackupJobs.Inputs inputs = redisInputs();
    inputs
        .configuration()
        .getSpec()
        .task(
            new TaskRef()
                .name("redis-backup-7")
                .params(List.of(new dev.keepsake.api.Param().name("DATABASE").value("3"))));

    V1Job job = BackupJobs.forSession(inputs);

    assertThat(job.getSpec().getTemplate().getSpec().getInitContainers().get(0).getArgs())
        .contains("--database=3");
  }

  @Test
  void aMissingFunctionIsNamed() throws Exception {
    BackupJobs.Inputs inputs = redisInputs();
    inputs.functions().remove("retention-policy");

    ResolutionException refusal =
        catchThrowableOfType(ResolutionException.class, () -> BackupJobs.forSession(inputs));

    assertThat(refusal.reason()).isEqualTo("FunctionNotFound");
    assertThat(refusal.getMessage())
        .contains("step 2 of Task redis-backup-7 names Function retention-policy");
  }

  @Test
  void aVolumeBackupMountsTheClaimReadOnlyAndExpandsPathsIntoArguments() throws Exception {
    BackupJobs.Inputs redis = redisInputs();
    redis
        .configuration()
        .getSpec()
        .target(
            new Target()
                .ref(new TargetRef().kind("PersistentVolumeClaim").name("uploads"))
                .paths(List.of("/images", "/documents"))
                .exclude(List.of("*.tmp")))
        .task(new TaskRef().name("keepsake-volume-backup"))
        .retentionPolicy(null);
    BackupJobs.Inputs inputs =
        new BackupJobs.Inputs(
            redis.session(),
            redis.configuration(),
            example("Repository", "redis-local", Repository.class),
            null,
            BuiltIns.task("keepsake-volume-backup").orElseThrow(),
            BuiltIns.functions(),
            SETTINGS);

    V1Job job = BackupJobs.forSession(inputs);

    var pod = job.getSpec().getTemplate().getSpec();
    V1Container backup = pod.getInitContainers().get(0);
    assertThat(backup.getImage()).isEqualTo("keepsake/runner:0.1.0");
    assertThat(backup.getArgs())
        .containsExactly(
            "backup",
            "--path",
            "/target/images",
            "--path",
            "/target/documents",
            "--exclude",
            "*.tmp");
    assertThat(backup.getVolumeMounts())
        .anySatisfy(
            m -> {
              assertThat(m.getMountPath()).isEqualTo("/target");
              assertThat(m.getReadOnly()).isTrue();
            });
    assertThat(backup.getVolumeMounts())
        .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/repository"));
    assertThat(pod.getVolumes())
        .anyMatch(
            v ->
                v.getPersistentVolumeClaim() != null
                    && "backup-volume".equals(v.getPersistentVolumeClaim().getClaimName()));
    assertThat(pod.getVolumes())
        .anyMatch(
            v ->
                v.getPersistentVolumeClaim() != null
                    && "uploads".equals(v.getPersistentVolumeClaim().getClaimName())
                    && v.getPersistentVolumeClaim().getReadOnly());
    assertThat(env(backup, "KEEPSAKE_HOST")).isEqualTo("shop/pvc/uploads");
    assertThat(pod.getContainers().get(0).getArgs()).containsExactly("forget");
  }

  @Test
  void everyRunnerIsToldWhenItsJobWasMadeAndWhichJobsOnItsRepositoryWereRunning() throws Exception {
    V1Job job =
        BackupJobs.forSession(
            redisInputs(),
            new RunnerPeers(
                java.time.Instant.parse("2026-03-01T02:00:00.750Z"),
                List.of("keepsake-restore-redis-restore", "keepsake-check-redis-s3-29512345"),
                List.of("keepsake-backup-redis-killed", "keepsake-restore-redis-restore")));

    var pod = job.getSpec().getTemplate().getSpec();
    List<V1Container> runners =
        Stream.concat(pod.getInitContainers().stream(), pod.getContainers().stream())
            .filter(SessionJob::isRunner)
            .toList();
    assertThat(runners).isNotEmpty();
    assertThat(runners)
        .allSatisfy(
            runner -> {
              assertThat(env(runner, "KEEPSAKE_JOB_CREATED")).isEqualTo("2026-03-01T02:00:00Z");
              assertThat(env(runner, "KEEPSAKE_ACTIVE_RUNNERS"))
                  .isEqualTo("keepsake-check-redis-s3-29512345,keepsake-restore-redis-restore");
              assertThat(env(runner, "KEEPSAKE_ENDED_RUNNERS"))
                  .as("a name also running is never said to have ended")
                  .isEqualTo("keepsake-backup-redis-killed");
            });
    Stream.concat(pod.getInitContainers().stream(), pod.getContainers().stream())
        .filter(step -> !SessionJob.isRunner(step))
        .forEach(step -> assertThat(env(step, "KEEPSAKE_JOB_CREATED")).isNull());
  }

  @Test
  void aRunnerWithNoRunningPeersIsToldSoAndWithoutPeersNothingIsSaid() throws Exception {
    V1Job alone =
        BackupJobs.forSession(redisInputs(), new RunnerPeers(java.time.Instant.EPOCH, List.of()));
    V1Job untold = BackupJobs.forSession(redisInputs());

    V1Container aloneRunner = alone.getSpec().getTemplate().getSpec().getContainers().get(0);
    V1Container untoldRunner = untold.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(env(aloneRunner, "KEEPSAKE_ACTIVE_RUNNERS")).isEmpty();
    assertThat(env(aloneRunner, "KEEPSAKE_ENDED_RUNNERS")).isEmpty();
    assertThat(env(aloneRunner, "KEEPSAKE_JOB_CREATED")).isEqualTo("1970-01-01T00:00:00Z");
    assertThat(untoldRunner.getEnv())
        .extracting(V1EnvVar::getName)
        .doesNotContain("KEEPSAKE_JOB_CREATED", "KEEPSAKE_ACTIVE_RUNNERS");
  }

  @Test
  void sessionJobsNameTheRepositoryTheyUseInTheirLabels() throws Exception {
    V1Job backup = BackupJobs.forSession(redisInputs());
    V1Job restore =
        RestoreJobs.forSession(
            new RestoreJobs.Inputs(
                example("RestoreSession", "redis-restore", RestoreSession.class),
                example("Repository", "redis-local", Repository.class),
                example("AppBinding", "redis", AppBinding.class),
                example("Task", "redis-restore-7", Task.class),
                functions(),
                SETTINGS));

    assertThat(backup.getMetadata().getLabels())
        .containsEntry(Labels.USES_REPOSITORY, "redis-s3")
        .containsEntry(Labels.USES_REPOSITORY_NAMESPACE, NAMESPACE)
        .containsEntry(Labels.CONFIGURATION, "redis-nightly")
        .doesNotContainKey(Labels.REPOSITORY);
    assertThat(backup.getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry(Labels.USES_REPOSITORY, "redis-s3");
    assertThat(restore.getMetadata().getLabels())
        .containsEntry(Labels.USES_REPOSITORY, "redis-local")
        .containsEntry(Labels.USES_REPOSITORY_NAMESPACE, NAMESPACE);
  }

  @Test
  void aSharedRepositoryIsNamedWithItsOwnNamespaceAndALongNameFitsALabel() throws Exception {
    BackupJobs.Inputs inputs = redisInputs();
    String longName = "redis-s3-" + "x".repeat(80);
    inputs.repository().getMetadata().namespace("backups").name(longName);

    var labels = BackupJobs.forSession(inputs).getMetadata().getLabels();

    assertThat(labels).containsEntry(Labels.USES_REPOSITORY_NAMESPACE, "backups");
    assertThat(labels.get(Labels.USES_REPOSITORY))
        .hasSizeLessThanOrEqualTo(63)
        .isEqualTo(Labels.value(longName))
        .startsWith("redis-s3-x");
  }

  @Test
  void aVolumeRestoreIntoAFolderWritesIntoTheClaimNotTheJobsRootFileSystem() {
    assertThat(RestoreJobs.restoreTarget(null)).isEqualTo("/");
    assertThat(RestoreJobs.restoreTarget("/")).isEqualTo("/");
    assertThat(RestoreJobs.restoreTarget("/restored")).isEqualTo("/target/restored");
    assertThat(RestoreJobs.restoreTarget("restored/2026/")).isEqualTo("/target/restored/2026");
  }

  @Test
  void aRestoreJobPicksTheTargetsOwnSnapshotsAndMountsTheLocalRepository() throws Exception {
    RestoreSession restore = example("RestoreSession", "redis-restore", RestoreSession.class);

    V1Job job =
        RestoreJobs.forSession(
            new RestoreJobs.Inputs(
                restore,
                example("Repository", "redis-local", Repository.class),
                example("AppBinding", "redis", AppBinding.class),
                example("Task", "redis-restore-7", Task.class),
                functions(),
                SETTINGS));

    V1Container restoreContainer = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(job.getMetadata().getName()).isEqualTo("keepsake-restore-redis-restore");
    assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(3600L);
    assertThat(restoreContainer.getArgs())
        .containsExactly(
            "restore",
            "--session=redis-restore",
            "--snapshot=latest",
            "--stdin-filename=redis.resp",
            "--",
            "keepsake",
            "redis-load",
            "--host=redis.shop.svc",
            "--port=6379",
            "--database=0");
    assertThat(env(restoreContainer, "KEEPSAKE_HOST")).isEqualTo("shop/redis");
    assertThat(restoreContainer.getVolumeMounts())
        .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/repository"));
  }
}
