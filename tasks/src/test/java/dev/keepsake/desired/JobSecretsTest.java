package dev.keepsake.desired;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EnvFromSource;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1EnvVarSource;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1SecretEnvSource;
import io.kubernetes.client.openapi.models.V1SecretKeySelector;
import io.kubernetes.client.openapi.models.V1SecretVolumeSource;
import io.kubernetes.client.openapi.models.V1Volume;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobSecretsTest {
  private static V1EnvVar fromSecret(String env, String secret, String key, Boolean optional) {
    return new V1EnvVar()
        .name(env)
        .valueFrom(
            new V1EnvVarSource()
                .secretKeyRef(new V1SecretKeySelector().name(secret).key(key).optional(optional)));
  }

  @Test
  void namesEverySecretWithItsFirstUseAndLeavesOptionalOnesOut() {
    V1PodSpec pod =
        new V1PodSpec()
            .initContainers(
                List.of(
                    new V1Container()
                        .name("backup")
                        .env(
                            List.of(
                                new V1EnvVar().name("PLAIN").value("x"),
                                fromSecret("PGPASSWORD", "postgres-auth", "password", null),
                                fromSecret("PGUSER", "postgres-auth", "username", true),
                                fromSecret("MAYBE", "optional-only", "k", true)))))
            .containers(
                new java.util.ArrayList<>(
                    List.of(
                        new V1Container()
                            .name("retention")
                            .envFrom(
                                List.of(
                                    new V1EnvFromSource()
                                        .secretRef(
                                            new V1SecretEnvSource()
                                                .name("repository-credentials"))))
                            .env(
                                List.of(
                                    fromSecret(
                                        "RESTIC_PASSWORD",
                                        "repository-credentials",
                                        "RESTIC_PASSWORD",
                                        false))))))
            .addContainersItem(
                new V1Container()
                    .name("notify")
                    .envFrom(
                        List.of(
                            new V1EnvFromSource()
                                .secretRef(new V1SecretEnvSource().name("webhook")))))
            .volumes(
                List.of(
                    new V1Volume()
                        .name("tls")
                        .secret(new V1SecretVolumeSource().secretName("redis-tls")),
                    new V1Volume()
                        .name("extra")
                        .secret(
                            new V1SecretVolumeSource().secretName("not-needed").optional(true))));

    assertThat(JobSecrets.required(pod))
        .containsExactly(
            org.assertj.core.api.Assertions.entry(
                "postgres-auth", "env PGPASSWORD of container backup, key password"),
            org.assertj.core.api.Assertions.entry(
                "repository-credentials",
                "env RESTIC_PASSWORD of container retention, key RESTIC_PASSWORD"),
            org.assertj.core.api.Assertions.entry("webhook", "envFrom of container notify"),
            org.assertj.core.api.Assertions.entry("redis-tls", "volume tls"));
  }

  @Test
  void aPodWithoutSecretsNeedsNone() {
    assertThat(
            JobSecrets.required(
                new V1PodSpec().containers(List.of(new V1Container().name("only")))))
        .isEmpty();
  }

  @Test
  void secretsTheObjectsNameComeFirstEvenWhereTheTaskMarksThemOptional() {
    var appBinding =
        dev.keepsake.api.Manifests.toModel(
            com.google.gson.JsonParser.parseString(
                    "{\"metadata\":{\"name\":\"redis\"},\"spec\":{\"type\":\"redis\",\"secret\":{\"name\":\"redis-auth\"}}}")
                .getAsJsonObject(),
            dev.keepsake.api.AppBinding.class);
    var repository =
        dev.keepsake.api.Manifests.toModel(
            com.google.gson.JsonParser.parseString(
                    "{\"metadata\":{\"name\":\"backups\"},\"spec\":{\"secret\":{\"name\":\"repository-credentials\"}}}")
                .getAsJsonObject(),
            dev.keepsake.api.Repository.class);
    V1PodSpec pod =
        new V1PodSpec()
            .initContainers(
                List.of(
                    new V1Container()
                        .name("backup")
                        .env(
                            List.of(
                                fromSecret("REDISCLI_AUTH", "redis-auth", "password", true),
                                fromSecret(
                                    "RESTIC_PASSWORD",
                                    "repository-credentials",
                                    "RESTIC_PASSWORD",
                                    null),
                                fromSecret("EXTRA", "other", "k", null)))));

    assertThat(JobSecrets.needed(pod, repository, appBinding))
        .containsExactly(
            org.assertj.core.api.Assertions.entry("redis-auth", "spec.secret of AppBinding redis"),
            org.assertj.core.api.Assertions.entry(
                "repository-credentials", "spec.secret of Repository backups"),
            org.assertj.core.api.Assertions.entry("other", "env EXTRA of container backup, key k"));
    assertThat(JobSecrets.needed(pod, null, null))
        .containsOnlyKeys("repository-credentials", "other");
  }
}
