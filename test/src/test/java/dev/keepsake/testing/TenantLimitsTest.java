package dev.keepsake.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import dev.keepsake.api.ApiKind;
import dev.keepsake.api.BackupConfiguration;
import dev.keepsake.api.BackupSession;
import dev.keepsake.api.Repository;
import dev.keepsake.api.SessionPhase;
import dev.keepsake.operator.app.Operator;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.BatchV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.CustomObjectsApi;
import io.kubernetes.client.openapi.apis.RbacAuthorizationV1Api;
import io.kubernetes.client.openapi.models.AuthenticationV1TokenRequest;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.RbacV1Subject;
import io.kubernetes.client.openapi.models.V1Condition;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1JobSpec;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import io.kubernetes.client.openapi.models.V1RoleBinding;
import io.kubernetes.client.openapi.models.V1RoleRef;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.V1TokenRequestSpec;
import io.kubernetes.client.util.PatchUtils;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesApi;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a namespace user with only the chart's keepsake-edit role can make Keepsake do: hostile
 * objects are accepted by the API server and refused by the operator, each with a condition that
 * names the field and an Event; what the role does not grant is refused by the API server.
 */
@ExtendWith(LocalControlPlaneExtension.class)
class TenantLimitsTest {
  private static Operator operator;
  private static String editRole;

  @BeforeAll
  static void startOperatorAndInstallTheUserRoles(LocalControlPlane controlPlane) throws Exception {
    operator =
        new Operator(
                controlPlane.client(),
                controlPlane.watchClient(),
                TestOperators.settings("keepsake/runner:tenant", null, 600, "keepsake-job"),
                Operator.loopback())
            .start();
    for (JsonObject object : ChartTest.render("keepsake-system")) {
      if (object.get("kind").getAsString().equals("ClusterRole")
          && object
              .getAsJsonObject("metadata")
              .get("name")
              .getAsString()
              .matches(".*-(view|edit)$")) {
        var response =
            new DynamicKubernetesApi(
                    "rbac.authorization.k8s.io", "v1", "clusterroles", controlPlane.client())
                .create(new DynamicKubernetesObject(object));
        assertThat(response.isSuccess() || response.getHttpStatusCode() == 409)
            .as(String.valueOf(response.getStatus()))
            .isTrue();
        if (object.getAsJsonObject("metadata").get("name").getAsString().endsWith("-edit")) {
          editRole = object.getAsJsonObject("metadata").get("name").getAsString();
        }
      }
    }
    assertThat(editRole).isNotNull();
  }

  @AfterAll
  static void stopOperator() {
    operator.close();
  }

  /**
   * A client for a ServiceAccount of the namespace that holds keepsake-edit there and nothing else.
   */
  private static ApiClient tenant(
      LocalControlPlane controlPlane, TestNamespace namespace, Path work) throws ApiException {
    ApiClient admin = controlPlane.client();
    new CoreV1Api(admin)
        .createNamespacedServiceAccount(
            namespace.name(), new V1ServiceAccount().metadata(new V1ObjectMeta().name("tenant")))
        .execute();
    new RbacAuthorizationV1Api(admin)
        .createNamespacedRoleBinding(
            namespace.name(),
            new V1RoleBinding()
                .metadata(new V1ObjectMeta().name("tenant-keepsake-edit"))
                .roleRef(
                    new V1RoleRef()
                        .apiGroup("rbac.authorization.k8s.io")
                        .kind("ClusterRole")
                        .name(editRole))
                .subjects(
                    List.of(
                        new RbacV1Subject()
                            .kind("ServiceAccount")
                            .name("tenant")
                            .namespace(namespace.name()))))
        .execute();
    String token =
        new CoreV1Api(admin)
            .createNamespacedServiceAccountToken(
                "tenant",
                namespace.name(),
                new AuthenticationV1TokenRequest()
                    .spec(new V1TokenRequestSpec().expirationSeconds(3600L).audiences(List.of())))
            .execute()
            .getStatus()
            .getToken();
    return controlPlane.clientFor(
        Kubeconfigs.withToken(
            work,
            controlPlane.serverUrl(),
            controlPlane.certificateAuthorityPem(),
            "tenant",
            token,
            namespace.name()));
  }

  private static V1Condition ready(
      ApiClient client, ApiKind<?, ?> kind, String namespace, String name) throws ApiException {
    Object object = kind.api(client).get(namespace, name).throwsApiException().getObject();
    List<V1Condition> conditions =
        object instanceof Repository r
            ? (r.getStatus() == null ? null : r.getStatus().getConditions())
            : ((BackupConfiguration) object).getStatus() == null
                ? null
                : ((BackupConfiguration) object).getStatus().getConditions();
    return conditions == null
        ? null
        : conditions.stream().filter(c -> "Ready".equals(c.getType())).findFirst().orElse(null);
  }

  private static V1Condition awaitRefusal(
      ApiClient client, ApiKind<?, ?> kind, String namespace, String name, String reason) {
    return Eventually.eventually(
        Duration.ofSeconds(30),
        () -> ready(client, kind, namespace, name),
        c -> c != null && "False".equals(c.getStatus()) && reason.equals(c.getReason()));
  }

  private static void assertWarned(
      ApiClient client, String namespace, String name, String reason, String fragment) {
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () ->
                assertThat(
                        new CoreV1Api(client)
                            .listNamespacedEvent(namespace)
                            .fieldSelector("involvedObject.name=" + name)
                            .execute()
                            .getItems())
                    .anySatisfy(
                        (CoreV1Event event) -> {
                          assertThat(event.getType()).isEqualTo("Warning");
                          assertThat(event.getReason()).isEqualTo(reason);
                          assertThat(event.getMessage()).contains(fragment);
                        }));
  }

  @Test
  void theEditRoleGrantsKeepsakeObjectsAndNothingThatReachesCredentialsOrResults(
      LocalControlPlane controlPlane, TestNamespace namespace, @TempDir Path work)
      throws Exception {
    ApiClient tenant = tenant(controlPlane, namespace, work);
    String ns = namespace.name();

    assertThat(ChartTest.allowed(tenant, "create", "keepsake.dev", "backupconfigurations", ns))
        .isTrue();
    assertThat(ChartTest.allowed(tenant, "delete", "keepsake.dev", "repositories", ns)).isTrue();
    assertThat(ChartTest.allowed(tenant, "get", "", "secrets", ns)).as("read Secrets").isFalse();
    assertThat(ChartTest.allowed(tenant, "create", "", "pods", ns)).as("create pods").isFalse();
    assertThat(ChartTest.allowed(tenant, "create", "batch", "jobs", ns))
        .as("create Jobs")
        .isFalse();
    assertThat(
            ChartTest.allowed(tenant, "create", "keepsake.dev", "backupconfigurations", "default"))
        .as("other namespaces")
        .isFalse();

    Examples.createScenario(
        controlPlane.client(),
        ns,
        "Repository",
        "AppBinding",
        "Function",
        "Task",
        "BackupConfiguration");
    Examples.createScenario(tenant, ns, "Secret");
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () -> ready(tenant, ApiKind.BACKUP_CONFIGURATION, ns, "redis-nightly"),
            c -> c != null && "True".equals(c.getStatus()));
    Examples.createStrict(tenant, ns, Examples.get("BackupSession", "redis-nightly-manual"));

    // The status is the operator's and the Job's: a user cannot write "Succeeded" into it.
    assertThatThrownBy(
            () ->
                PatchUtils.patch(
                    Object.class,
                    () ->
                        new CustomObjectsApi(tenant)
                            .patchNamespacedCustomObjectStatus(
                                "keepsake.dev",
                                "v1alpha1",
                                ns,
                                "backupsessions",
                                "redis-nightly-manual",
                                new V1Patch("{\"status\": {\"phase\": \"Succeeded\"}}"))
                            .buildCall(null),
                    V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
                    tenant))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(403));
  }

  @Test
  void aRepositoryOnANodeFolderIsRefusedWithTheFieldAndTheSetting(
      LocalControlPlane controlPlane, TestNamespace namespace, @TempDir Path work)
      throws Exception {
    ApiClient tenant = tenant(controlPlane, namespace, work);
    Examples.createScenario(
        controlPlane.client(),
        namespace.name(),
        "Repository",
        "AppBinding",
        "Function",
        "Task",
        "BackupConfiguration");
    JsonObject repository = Examples.get("Repository", "redis-local");
    Examples.with(
        repository,
        "spec.backend.local",
        "{\"mountPath\": \"/repository\", \"hostPath\": {\"path\": \"/etc\"}}");
    Examples.createStrict(tenant, namespace.name(), repository);

    V1Condition refused =
        awaitRefusal(
            tenant, ApiKind.REPOSITORY, namespace.name(), "redis-local", "HostPathNotAllowed");

    assertThat(refused.getMessage())
        .isEqualTo(
            "spec.backend.local.hostPath.path of Repository redis-local is /etc, which is not"
                + " under a node folder this installation lets Jobs mount ("
                + TestOperators.temporaryFolder()
                + "; jobPolicy.hostPathPrefixes)");
    assertWarned(tenant, namespace.name(), "redis-local", "HostPathNotAllowed", "/etc");
  }

  @Test
  void anAppBindingParameterNamedLikeAnOperatorVariableIsRefused(
      LocalControlPlane controlPlane, TestNamespace namespace, @TempDir Path work)
      throws Exception {
    ApiClient tenant = tenant(controlPlane, namespace, work);
    Examples.createScenario(
        controlPlane.client(),
        namespace.name(),
        "Repository",
        "AppBinding",
        "Function",
        "Task",
        "BackupConfiguration");
    Examples.createScenario(
        tenant, namespace.name(), "Secret", "AppBinding", "BackupConfiguration");
    JsonObject binding = Examples.get("AppBinding", "redis");
    Examples.with(binding, "spec.parameters.runnerImage", "\"registry.example/evil/exfiltrate:1\"");
    Examples.createStrict(tenant, namespace.name(), binding);
    JsonObject configuration = Examples.get("BackupConfiguration", "redis-nightly");
    Examples.with(configuration, "spec.runtimeSettings.serviceAccountName", "\"default\"");
    Examples.createStrict(tenant, namespace.name(), configuration);

    V1Condition refused =
        awaitRefusal(
            tenant,
            ApiKind.BACKUP_CONFIGURATION,
            namespace.name(),
            "redis-nightly",
            "ReservedVariable");

    assertThat(refused.getMessage())
        .startsWith(
            "spec.parameters.runnerImage of AppBinding redis names ${RUNNER_IMAGE}, which the"
                + " operator sets itself");
    assertWarned(
        tenant,
        namespace.name(),
        "redis-nightly",
        "ReservedVariable",
        "spec.parameters.runnerImage");

    // With the parameter gone, the next refusal is the ServiceAccount the configuration asks for.
    new CustomObjectsApi(tenant)
        .deleteNamespacedCustomObject(
            "keepsake.dev", "v1alpha1", namespace.name(), "appbindings", "redis")
        .execute();
    Examples.createStrict(tenant, namespace.name(), Examples.get("AppBinding", "redis"));
    V1Condition account =
        awaitRefusal(
            tenant,
            ApiKind.BACKUP_CONFIGURATION,
            namespace.name(),
            "redis-nightly",
            "ServiceAccountNotAllowed");
    assertThat(account.getMessage())
        .isEqualTo(
            "spec.runtimeSettings.serviceAccountName default is not one this installation lets"
                + " Jobs run as (none; jobPolicy.serviceAccounts); leave it out and the session's Job runs as an identity of its own");
  }

  @Test
  void aJobOfTheSessionsNameThatTheSessionDoesNotControlIsNeverTakenForItsOwn(
      LocalControlPlane controlPlane, TestNamespace namespace) throws Exception {
    ApiClient admin = controlPlane.client();
    Examples.createScenario(admin, namespace.name());
    // Someone with the namespace's edit role makes a Job of the name the session's Job will have.
    new BatchV1Api(admin)
        .createNamespacedJob(
            namespace.name(),
            new V1Job()
                .metadata(new V1ObjectMeta().name("keepsake-backup-redis-nightly-manual"))
                .spec(
                    new V1JobSpec()
                        .suspend(true)
                        .template(
                            new V1PodTemplateSpec()
                                .spec(
                                    new V1PodSpec()
                                        .restartPolicy("Never")
                                        .containers(
                                            List.of(
                                                new V1Container()
                                                    .name("forged")
                                                    .image("busybox")
                                                    .command(List.of("true"))))))))
        .execute();
    Examples.createStrict(
        admin, namespace.name(), Examples.get("BackupSession", "redis-nightly-manual"));

    BackupSession failed =
        await()
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptions()
            .until(
                () ->
                    ApiKind.BACKUP_SESSION
                        .api(admin)
                        .get(namespace.name(), "redis-nightly-manual")
                        .throwsApiException()
                        .getObject(),
                s ->
                    s.getStatus() != null
                        && s.getStatus().getPhase() != null
                        && s.getStatus().getPhase().isFinished());

    assertThat(failed.getStatus().getPhase()).isEqualTo(SessionPhase.Failed);
    assertThat(failed.getStatus().getReason()).isEqualTo("JobNotOwned");
    assertThat(failed.getStatus().getMessage())
        .contains("Job keepsake-backup-redis-nightly-manual", "was not made by the operator");
    assertThat(
            new BatchV1Api(admin)
                .readNamespacedJob("keepsake-backup-redis-nightly-manual", namespace.name())
                .execute()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers())
        .extracting(V1Container::getName)
        .containsExactly("forged");
  }
}
