package dev.keepsake.desired;

import static dev.keepsake.desired.BackupJobsTest.SETTINGS;
import static dev.keepsake.desired.BackupJobsTest.example;
import static dev.keepsake.desired.BackupJobsTest.functions;
import static dev.keepsake.desired.BackupJobsTest.redisInputs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.gson.JsonPrimitive;
import dev.keepsake.api.AppBinding;
import dev.keepsake.api.Function;
import dev.keepsake.api.FunctionSpec;
import dev.keepsake.api.Param;
import dev.keepsake.api.PodSecurity;
import dev.keepsake.api.Repository;
import dev.keepsake.api.RestoreSession;
import dev.keepsake.api.RuntimeSettings;
import dev.keepsake.api.Target;
import dev.keepsake.api.TargetRef;
import dev.keepsake.api.Task;
import dev.keepsake.resolve.ReservedVariables;
import dev.keepsake.resolve.ResolutionException;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1HostPathVolumeSource;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1Volume;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What the objects of a namespace may not put into its Jobs, and what they are told. */
class TenantLimitsTest {

  private static ResolutionException refusal(BackupJobs.Inputs inputs) {
    return catchThrowableOfType(ResolutionException.class, () -> BackupJobs.forSession(inputs));
  }

  private static BackupJobs.Inputs withSettings(BackupJobs.Inputs in, OperatorSettings settings) {
    return new BackupJobs.Inputs(
        in.session(),
        in.configuration(),
        in.repository(),
        in.appBinding(),
        in.task(),
        in.functions(),
        settings);
  }

  private static Repository onTheNode(String path) throws Exception {
    Repository repository = example("Repository", "redis-local", Repository.class);
    repository
        .getSpec()
        .getBackend()
        .getLocal()
        .persistentVolumeClaim(null)
        .hostPath(new V1HostPathVolumeSource().path(path));
    return repository;
  }

  private static BackupJobs.Inputs withRepository(BackupJobs.Inputs in, Repository repository) {
    return new BackupJobs.Inputs(
        in.session(),
        in.configuration(),
        repository,
        in.appBinding(),
        in.task(),
        in.functions(),
        in.settings());
  }

  @Test
  void everyVariableTheOperatorSetsIsReserved() throws Exception {
    BackupJobs.Inputs backup = redisInputs();
    Set<String> set =
        new HashSet<>(BackupJobs.variables(backup, "shop/redis", List.of("a")).asMap().keySet());
    RestoreSession restore = example("RestoreSession", "redis-restore", RestoreSession.class);
    RestoreJobs.Inputs restoreInputs =
        new RestoreJobs.Inputs(
            restore,
            example("Repository", "redis-s3", Repository.class),
            example("AppBinding", "redis", AppBinding.class),
            example("Task", "redis-restore-7", Task.class),
            functions(),
            SETTINGS);
    set.addAll(
        RestoreJobs.variables(restoreInputs, "shop/redis", List.of(), "latest")
            .build()
            .asMap()
            .keySet());
    // A URL-style AppBinding adds TARGET_URL.
    AppBinding byUrl = example("AppBinding", "redis", AppBinding.class);
    byUrl.getSpec().getClientConfig().service(null).url("redis://redis.shop:6379");
    set.addAll(
        BackupJobs.variables(
                new BackupJobs.Inputs(
                    backup.session(),
                    backup.configuration(),
                    backup.repository(),
                    byUrl,
                    backup.task(),
                    backup.functions(),
                    SETTINGS),
                "h",
                List.of())
            .asMap()
            .keySet());
    set.remove("DATABASE"); // the example AppBinding's own parameter

    assertThat(ReservedVariables.NAMES).containsAll(set);
  }

  @Test
  void aSessionParamThatWouldSwapTheRunnerImageIsRefusedByName() throws Exception {
    BackupJobs.Inputs in = redisInputs();
    in.configuration()
        .getSpec()
        .getTask()
        .params(
            List.of(
                new Param().name("KEY_PATTERN").value("*"),
                new Param().name("RUNNER_IMAGE").value("evil/exfiltrate:1")));

    ResolutionException refused = refusal(in);

    assertThat(refused.reason()).isEqualTo("ReservedVariable");
    assertThat(refused.getMessage())
        .startsWith(
            "spec.task.params[1].name names ${RUNNER_IMAGE}, which the operator sets itself");
  }

  @Test
  void aTaskStepParamThatWouldShortenRetentionIsRefused() throws Exception {
    BackupJobs.Inputs in = redisInputs();
    in.task()
        .getSpec()
        .getSteps()
        .get(1)
        .params(List.of(new Param().name("RETENTION_FLAGS").value("--keep-last 1")));

    assertThat(refusal(in).getMessage())
        .startsWith("spec.steps[1].params[0].name of Task redis-backup-7 names ${RETENTION_FLAGS}");
  }

  @Test
  void anAppBindingParameterThatWouldNameAnotherSecretIsRefused() throws Exception {
    BackupJobs.Inputs in = redisInputs();
    in.appBinding()
        .getSpec()
        .getParameters()
        .add("targetSecret", new JsonPrimitive("someone-elses-secret"));

    ResolutionException refused = refusal(in);

    assertThat(refused.reason()).isEqualTo("ReservedVariable");
    assertThat(refused.getMessage())
        .startsWith("spec.parameters.targetSecret of AppBinding redis names ${TARGET_SECRET}");
  }

  @Test
  void aNodeFolderIsRefusedUnlessTheInstallationAllowsItsPrefix() throws Exception {
    BackupJobs.Inputs strict = withRepository(redisInputs(), onTheNode("/etc"));
    ResolutionException refused = refusal(strict);
    assertThat(refused.reason()).isEqualTo("HostPathNotAllowed");
    assertThat(refused.getMessage())
        .isEqualTo(
            "spec.backend.local.hostPath.path of Repository redis-local is /etc, which is not"
                + " under a node folder this installation lets Jobs mount (none; jobPolicy.hostPathPrefixes)");

    OperatorSettings allowing =
        SETTINGS.withJobPolicy(SETTINGS.jobPolicy().withHostPathPrefixes(List.of("/srv/backups")));
    assertThatCode(
            () ->
                BackupJobs.forSession(
                    withSettings(
                        withRepository(redisInputs(), onTheNode("/srv/backups/shop")), allowing)))
        .doesNotThrowAnyException();
    assertThat(
            refusal(
                    withSettings(
                        withRepository(redisInputs(), onTheNode("/srv/backups/../../etc")),
                        allowing))
                .reason())
        .isEqualTo("HostPathNotAllowed");
    assertThat(
            refusal(
                    withSettings(
                        withRepository(redisInputs(), onTheNode("/srv/backups-evil")), allowing))
                .reason())
        .isEqualTo("HostPathNotAllowed");
  }

  @Test
  void aTaskCannotMountANodeFolderEither() throws Exception {
    BackupJobs.Inputs in = redisInputs();
    in.task()
        .getSpec()
        .volumes(
            List.of(new V1Volume().name("tls").hostPath(new V1HostPathVolumeSource().path("/"))));

    assertThat(refusal(in).getMessage())
        .startsWith("spec.volumes[tls].hostPath.path of Task redis-backup-7 is /, which is not");
  }

  @Test
  void rootAndForeignServiceAccountsAreRefusedByDefault() throws Exception {
    BackupJobs.Inputs root = redisInputs();
    root.configuration()
        .getSpec()
        .runtimeSettings(new RuntimeSettings().securityContext(new PodSecurity().runAsUser(0L)));
    assertThat(refusal(root).getMessage())
        .isEqualTo(
            "spec.runtimeSettings.securityContext.runAsUser is 0 (root), and this"
                + " installation does not let Jobs run as root (jobPolicy.allowRoot)");

    BackupJobs.Inputs nonRootOff = redisInputs();
    nonRootOff
        .configuration()
        .getSpec()
        .runtimeSettings(
            new RuntimeSettings().securityContext(new PodSecurity().runAsNonRoot(false)));
    assertThat(refusal(nonRootOff).reason()).isEqualTo("RootNotAllowed");

    BackupJobs.Inputs account = redisInputs();
    account
        .configuration()
        .getSpec()
        .runtimeSettings(new RuntimeSettings().serviceAccountName("deployer"));
    assertThat(refusal(account).getMessage())
        .isEqualTo(
            "spec.runtimeSettings.serviceAccountName deployer is not one this"
                + " installation lets Jobs run as (none; jobPolicy.serviceAccounts); leave it out and the session's Job runs as an"
                + " identity of its own");

    BackupJobs.Inputs triggers = redisInputs();
    triggers
        .configuration()
        .getSpec()
        .runtimeSettings(new RuntimeSettings().serviceAccountName("keepsake-job"));
    assertThat(refusal(triggers).getMessage())
        .as("the shared identity would gather the sessions' rights")
        .startsWith(
            "spec.runtimeSettings.serviceAccountName keepsake-job is the identity of the schedules' triggers");

    BackupJobs.Inputs fsGroup = redisInputs();
    fsGroup
        .configuration()
        .getSpec()
        .runtimeSettings(new RuntimeSettings().securityContext(new PodSecurity().fsGroup(0L)));
    assertThat(refusal(fsGroup).getMessage())
        .startsWith("spec.runtimeSettings.securityContext.fsGroup is 0 (root)");

    BackupJobs.Inputs priority = redisInputs();
    priority
        .configuration()
        .getSpec()
        .runtimeSettings(new RuntimeSettings().priorityClassName("system-cluster-critical"));
    assertThat(refusal(priority).getMessage())
        .isEqualTo(
            "spec.runtimeSettings.priorityClassName system-cluster-critical is not"
                + " one this installation lets Jobs use (none; jobPolicy.priorityClasses)");
    BackupJobs.Inputs everyTaint = redisInputs();
    everyTaint
        .configuration()
        .getSpec()
        .runtimeSettings(
            new RuntimeSettings()
                .tolerations(
                    List.of(
                        new io.kubernetes.client.openapi.models.V1Toleration()
                            .operator("Exists"))));
    assertThat(refusal(everyTaint).getMessage())
        .isEqualTo(
            "spec.runtimeSettings.tolerations: a toleration without a key (it"
                + " tolerates every taint) is not one this installation lets Jobs tolerate (none; jobPolicy.tolerationKeys)");
    BackupJobs.Inputs dedicated = redisInputs();
    dedicated
        .configuration()
        .getSpec()
        .runtimeSettings(
            new RuntimeSettings()
                .priorityClassName("backup")
                .tolerations(
                    List.of(
                        new io.kubernetes.client.openapi.models.V1Toleration()
                            .key("dedicated")
                            .operator("Equal")
                            .value("backup"))));
    assertThatCode(
            () ->
                BackupJobs.forSession(
                    withSettings(
                        dedicated,
                        SETTINGS.withJobPolicy(
                            SETTINGS
                                .jobPolicy()
                                .withScheduling(List.of("backup"), List.of("dedicated"))))))
        .doesNotThrowAnyException();

    OperatorSettings allowing =
        SETTINGS.withJobPolicy(
            new JobPolicy(List.of(), true, List.of("deployer"), List.of("keepsake/")));
    assertThatCode(() -> BackupJobs.forSession(withSettings(account, allowing)))
        .doesNotThrowAnyException();
    assertThatCode(() -> BackupJobs.forSession(withSettings(root, allowing)))
        .doesNotThrowAnyException();
  }

  @Test
  void theRepositorysCredentialsGoOnlyToTheRunnerImages() throws Exception {
    BackupJobs.Inputs in = redisInputs();
    in.functions().get("redis-backup-7").getSpec().image("registry.example/mine/redis-tools:1");

    ResolutionException refused = refusal(in);

    assertThat(refused.reason()).isEqualTo("RunnerImageNotAllowed");
    assertThat(refused.getMessage())
        .isEqualTo(
            "step 1 (redis-backup-7) runs keepsake from image registry.example/mine/redis-tools:1;"
                + " the repository's credentials go only to images under keepsake/ (jobPolicy.runnerImagePrefixes)");
  }

  @Test
  void aRunnerImagePrefixAdmitsItsFolderOrItsImageAndNothingThatMerelyBeginsSo() {
    assertThat(JobPolicy.underPrefix("keepsake/redis-7:0.1.0", "keepsake/")).isTrue();
    assertThat(JobPolicy.underPrefix("keepsake-evil/runner:1", "keepsake/")).isFalse();
    assertThat(JobPolicy.underPrefix("ghcr.io/acme-evil/runner:1", "ghcr.io/acme")).isFalse();
    assertThat(JobPolicy.underPrefix("ghcr.io/acme/runner:1", "ghcr.io/acme")).isTrue();
    String folder = JobPolicy.imageFolder("runner:1.0");
    assertThat(JobPolicy.underPrefix("runner:2.0", folder)).isTrue();
    assertThat(JobPolicy.underPrefix("runner@sha256:abc", folder)).isTrue();
    assertThat(JobPolicy.underPrefix("runner.evil.io/x:1", folder)).isFalse();
    assertThat(JobPolicy.underPrefix("runner-evil:1", folder)).isFalse();
  }

  @Test
  void noStepMountsTheOperatorsVolumesOrReadsACopiedRepositorySecret() throws Exception {
    BackupJobs.Inputs token = redisInputs();
    token
        .functions()
        .put(
            "peek",
            new Function()
                .metadata(new V1ObjectMeta().name("peek"))
                .spec(
                    new FunctionSpec()
                        .image("busybox:1")
                        .command(List.of("cat", "/t/token"))
                        .volumeMounts(
                            List.of(
                                new io.kubernetes.client.openapi.models.V1VolumeMount()
                                    .name("keepsake-api-token")
                                    .mountPath("/t")))));
    token.task().getSpec().getSteps().add(0, new dev.keepsake.api.TaskStep().name("peek"));
    assertThat(refusal(token).getMessage())
        .isEqualTo(
            "step 1 (peek) mounts volume keepsake-api-token: volume names beginning"
                + " with keepsake- are the operator's own");

    BackupJobs.Inputs copy = redisInputs();
    copy.functions()
        .put(
            "peek",
            new Function()
                .metadata(new V1ObjectMeta().name("peek"))
                .spec(
                    new FunctionSpec()
                        .image("busybox:1")
                        .command(List.of("env"))
                        .env(
                            List.of(
                                new io.kubernetes.client.openapi.models.V1EnvVar()
                                    .name("PW")
                                    .valueFrom(
                                        new io.kubernetes.client.openapi.models.V1EnvVarSource()
                                            .secretKeyRef(
                                                new io.kubernetes.client.openapi.models
                                                        .V1SecretKeySelector()
                                                    .name("keepsake-repository.shared.main")
                                                    .key("RESTIC_PASSWORD")))))));
    copy.task().getSpec().getSteps().add(0, new dev.keepsake.api.TaskStep().name("peek"));
    ResolutionException refused = refusal(copy);
    assertThat(refused.reason()).isEqualTo("SecretNotAllowed");
    assertThat(refused.getMessage())
        .startsWith("step 1 (peek) env PW names Secret keepsake-repository.shared.main");

    BackupJobs.Inputs volume = redisInputs();
    volume
        .task()
        .getSpec()
        .volumes(
            List.of(
                new V1Volume()
                    .name("keepsake-scratch")
                    .emptyDir(new io.kubernetes.client.openapi.models.V1EmptyDirVolumeSource())));
    assertThat(refusal(volume).reason()).isEqualTo("ReservedVolume");
  }

  @Test
  void theRunnersStepKeepsTheRunnersOwnProgram() throws Exception {
    for (String variable :
        List.of(
            "KEEPSAKE_JAR",
            "JAVA_TOOL_OPTIONS",
            "LD_PRELOAD",
            "PATH",
            "RESTIC_PASSWORD_COMMAND",
            "https_proxy",
            "AWS_CA_BUNDLE")) {
      BackupJobs.Inputs in = redisInputs();
      FunctionSpec spec = in.functions().get("redis-backup-7").getSpec();
      List<io.kubernetes.client.openapi.models.V1EnvVar> env =
          new java.util.ArrayList<>(spec.getEnv());
      env.add(
          new io.kubernetes.client.openapi.models.V1EnvVar()
              .name(variable)
              .value("/keepsake/scratch/x"));
      spec.env(env);
      ResolutionException refused = refusal(in);
      assertThat(refused.reason()).as(variable).isEqualTo("RunnerEnvironmentNotAllowed");
      assertThat(refused.getMessage())
          .isEqualTo(
              "step 1 (redis-backup-7) runs keepsake and sets "
                  + variable
                  + ", which would change the program the runner's step runs or where restic sends the repository's data");
    }

    // A keepsake of one's own, by path, is not the runner: it gets neither the credentials nor the
    // token.
    BackupJobs.Inputs ownProgram = redisInputs();
    ownProgram
        .functions()
        .get("redis-backup-7")
        .getSpec()
        .command(List.of("/keepsake/scratch/keepsake"));
    V1Container own =
        BackupJobs.forSession(ownProgram)
            .getSpec()
            .getTemplate()
            .getSpec()
            .getInitContainers()
            .get(0);
    assertThat(own.getEnvFrom()).isNullOrEmpty();
    assertThat(own.getVolumeMounts()).noneMatch(m -> m.getName().equals("keepsake-api-token"));
    BackupJobs.Inputs mount = redisInputs();
    FunctionSpec spec = mount.functions().get("redis-backup-7").getSpec();
    spec.volumeMounts(
        List.of(
            new io.kubernetes.client.openapi.models.V1VolumeMount()
                .name("tls")
                .mountPath("/opt/keepsake/lib")));
    assertThat(refusal(mount).getMessage())
        .isEqualTo(
            "step 1 (redis-backup-7) runs keepsake and mounts tls at /opt/keepsake/lib;"
                + " the runner's step may mount volumes under /keepsake/ or /tmp/ only");
    spec.volumeMounts(
        List.of(
            new io.kubernetes.client.openapi.models.V1VolumeMount()
                .name("tls")
                .mountPath("/keepsake/../opt")));
    assertThat(refusal(mount).reason()).isEqualTo("MountNotAllowed");
  }

  @Test
  void onlyTheRunnerContainersMountTheApiToken() throws Exception {
    BackupJobs.Inputs in = redisInputs();
    in.functions()
        .put(
            "notify",
            new Function()
                .metadata(new V1ObjectMeta().name("notify"))
                .spec(
                    new FunctionSpec()
                        .image("curlimages/curl:8")
                        .command(List.of("curl", "http://chat/"))));
    in.task().getSpec().getSteps().add(0, new dev.keepsake.api.TaskStep().name("notify"));

    V1PodSpec pod = BackupJobs.forSession(in).getSpec().getTemplate().getSpec();

    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    List<V1Container> containers =
        Stream.concat(pod.getInitContainers().stream(), pod.getContainers().stream()).toList();
    assertThat(containers)
        .extracting(V1Container::getName)
        .containsExactly("notify", "redis-backup-7", "retention-policy");
    assertThat(containers.get(0).getVolumeMounts())
        .noneMatch(m -> m.getMountPath().startsWith("/var/run/secrets"));
    assertThat(containers.get(0).getEnvFrom()).isNullOrEmpty();
    for (V1Container runner : containers.subList(1, 3)) {
      assertThat(runner.getVolumeMounts())
          .anyMatch(m -> m.getMountPath().equals("/var/run/secrets/kubernetes.io/serviceaccount"));
    }
  }

  @Test
  void theRunnerIsToldWhichOfItsInputsAreCredentialsByNameOnly() throws Exception {
    V1PodSpec pod = BackupJobs.forSession(redisInputs()).getSpec().getTemplate().getSpec();
    V1Container dump = pod.getInitContainers().get(0);

    assertThat(dump.getEnv())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("KEEPSAKE_SECRET_ENV");
              assertThat(e.getValue()).isEqualTo("REDISCLI_AUTH");
            });
  }

  @Test
  void aPathWithADotDotSegmentIsRefused() throws Exception {
    BackupJobs.Inputs in = redisInputs();
    in.configuration()
        .getSpec()
        .target(
            new Target()
                .ref(new TargetRef().kind("PersistentVolumeClaim").name("uploads"))
                .paths(List.of("/data", "/data/../../etc")));

    ResolutionException refused = refusal(in);

    assertThat(refused.reason()).isEqualTo("PathOutsideTarget");
    assertThat(refused.getMessage())
        .isEqualTo("spec.target.paths[1] is /data/../../etc: a .. segment would leave the target");
  }
}
