package dev.keepsake.desired;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keepsake.api.Manifests;
import dev.keepsake.api.Repository;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1HostPathVolumeSource;
import io.kubernetes.client.openapi.models.V1Job;
import org.junit.jupiter.api.Test;

class RepositoryJobsTest {
  private static final OperatorSettings SETTINGS =
      new OperatorSettings(
          "keepsake/runner:0.1.0",
          null,
          3600,
          "keepsake-job",
          JobPolicy.defaults("keepsake/runner:0.1.0")
              .withHostPathPrefixes(java.util.List.of("/srv/backups")));

  private static Repository localRepository() {
    return Manifests.toModel(
        Manifests.read(
                new java.io.StringReader(
                    """
        apiVersion: keepsake.dev/v1alpha1
        kind: Repository
        metadata: {name: scratch, namespace: shop, uid: uid-scratch}
        spec:
          wipeOut: true
          secret: {name: scratch-restic}
          backend:
            local:
              mountPath: /repository
              hostPath: {path: /srv/backups/scratch}
        """))
            .get(0),
        Repository.class);
  }

  @Test
  void theWipeJobRunsTheRunnerOnceAgainstTheRepositoryWithCredentialsByReferenceOnly() {
    V1Job job = RepositoryJobs.wipe(localRepository(), SETTINGS);

    assertThat(job.getMetadata().getName()).isEqualTo("keepsake-wipe-scratch");
    assertThat(job.getMetadata().getLabels())
        .containsEntry(Labels.REPOSITORY, "scratch")
        .containsEntry(Labels.MANAGED_BY, "keepsake");
    assertThat(job.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            owner ->
                assertThat(owner.getKind() + "/" + owner.getUid())
                    .isEqualTo("Repository/uid-scratch"));
    assertThat(job.getSpec().getBackoffLimit()).isZero();
    V1Container wipe = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(wipe.getCommand()).containsExactly("keepsake", "wipe", "--confirm", "scratch");
    assertThat(wipe.getEnvFrom())
        .singleElement()
        .satisfies(from -> assertThat(from.getSecretRef().getName()).isEqualTo("scratch-restic"));
    assertThat(wipe.getVolumeMounts())
        .anySatisfy(mount -> assertThat(mount.getMountPath()).isEqualTo("/repository"));
    assertThat(job.getSpec().getTemplate().getSpec().getVolumes())
        .anySatisfy(
            volume ->
                assertThat(volume.getHostPath())
                    .isEqualTo(new V1HostPathVolumeSource().path("/srv/backups/scratch")));
    assertThat(job.getSpec().getTemplate().getSpec().getInitContainers()).isEmpty();
    assertThat(job.getSpec().getTemplate().getSpec().getServiceAccountName())
        .isEqualTo("keepsake-job");
  }

  @Test
  void theRepositorysOwnJobsNameItAsTheRepositoryTheyUse() {
    V1Job wipe = RepositoryJobs.wipe(localRepository(), SETTINGS);
    V1Job check = RepositoryJobs.check(localRepository(), SETTINGS);

    for (V1Job job : java.util.List.of(wipe, check)) {
      assertThat(job.getMetadata().getLabels())
          .containsEntry(Labels.REPOSITORY, "scratch")
          .containsEntry(Labels.USES_REPOSITORY, "scratch")
          .containsEntry(Labels.USES_REPOSITORY_NAMESPACE, "shop");
    }
  }

  @Test
  void onlyJobsTheOperatorMakesItselfTellTheirRunnerAboutOtherJobs() {
    RunnerPeers peers =
        new RunnerPeers(
            java.time.Instant.parse("2026-03-01T02:00:00Z"),
            java.util.List.of("keepsake-backup-nightly-1"));

    V1Job wipe = RepositoryJobs.wipe(localRepository(), SETTINGS, peers);
    // The check is a CronJob's template: Kubernetes makes its Jobs, at times the operator cannot
    // write into them.
    V1Job check = RepositoryJobs.check(localRepository(), SETTINGS);

    assertThat(wipe.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .anySatisfy(
            env ->
                assertThat(env.getName() + "=" + env.getValue())
                    .isEqualTo("KEEPSAKE_JOB_CREATED=2026-03-01T02:00:00Z"))
        .anySatisfy(
            env ->
                assertThat(env.getName() + "=" + env.getValue())
                    .isEqualTo("KEEPSAKE_ACTIVE_RUNNERS=keepsake-backup-nightly-1"));
    assertThat(check.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .noneSatisfy(env -> assertThat(env.getName()).startsWith("KEEPSAKE_JOB_CREATED"));
  }
}
