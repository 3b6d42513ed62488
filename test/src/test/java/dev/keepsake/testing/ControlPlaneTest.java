package dev.keepsake.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.keepsake.api.ApiKind;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.BatchV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.CustomObjectsApi;
import io.kubernetes.client.openapi.apis.VersionApi;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1CronJob;
import io.kubernetes.client.openapi.models.V1CronJobSpec;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1JobSpec;
import io.kubernetes.client.openapi.models.V1JobTemplateSpec;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The local control plane is a complete one: versioned, RBAC enforced, controllers running. */
@ExtendWith(LocalControlPlaneExtension.class)
class ControlPlaneTest {

  @Test
  void theApiServerReportsKubernetes133(ApiClient client) throws ApiException {
    assertThat(new VersionApi(client).getCode().execute().getGitVersion()).startsWith("v1.33.");
  }

  @Test
  void aUserWithoutRoleBindingsIsForbidden(
      LocalControlPlane controlPlane, TestNamespace namespace) {
    ApiClient stranger = controlPlane.clientFor(controlPlane.kubeconfigFor("stranger", null));

    ApiException refusal =
        catchThrowableOfType(
            ApiException.class,
            () ->
                new CustomObjectsApi(stranger)
                    .listNamespacedCustomObject(
                        "keepsake.dev",
                        "v1alpha1",
                        namespace.name(),
                        ApiKind.BACKUP_CONFIGURATION.plural())
                    .execute());

    assertThat(refusal.getCode()).isEqualTo(403);
    assertThat(refusal.getResponseBody())
        .contains("User \\\"stranger\\\" cannot list resource \\\"backupconfigurations\\\"");
  }

  @Test
  void aCronJobProducesAJobAndDeletingItCollectsTheJob(ApiClient client, TestNamespace namespace)
      throws ApiException {
    BatchV1Api batch = new BatchV1Api(client);
    V1CronJob cronJob =
        new V1CronJob()
            .metadata(new V1ObjectMeta().name("every-minute"))
            .spec(
                new V1CronJobSpec()
                    .schedule("* * * * *")
                    .jobTemplate(
                        new V1JobTemplateSpec()
                            .spec(
                                new V1JobSpec()
                                    .backoffLimit(0)
                                    .template(
                                        new V1PodTemplateSpec()
                                            .spec(
                                                new V1PodSpec()
                                                    .restartPolicy("Never")
                                                    .containers(
                                                        List.of(
                                                            new V1Container()
                                                                .name("noop")
                                                                .image("busybox")
                                                                .command(List.of("true")))))))));
    batch.createNamespacedCronJob(namespace.name(), cronJob).execute();

    // The CronJob controller acts on minute boundaries, so this can take up to a minute and a bit.
    await("a Job made by the CronJob controller")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> !jobs(batch, namespace).isEmpty());
    V1Job job = jobs(batch, namespace).get(0);
    assertThat(job.getMetadata().getOwnerReferences())
        .anySatisfy(owner -> assertThat(owner.getName()).isEqualTo("every-minute"));
    await("the Job controller creates the Job's pod")
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                !new CoreV1Api(client)
                    .listNamespacedPod(namespace.name())
                    .execute()
                    .getItems()
                    .isEmpty());

    batch
        .deleteNamespacedCronJob("every-minute", namespace.name())
        .propagationPolicy("Background")
        .execute();

    await("the garbage collector removes the orphaned Job")
        .atMost(Duration.ofSeconds(30))
        .until(() -> jobs(batch, namespace).isEmpty());
  }

  private static List<V1Job> jobs(BatchV1Api batch, TestNamespace namespace) throws ApiException {
    return batch.listNamespacedJob(namespace.name()).execute().getItems();
  }
}
