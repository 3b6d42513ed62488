package dev.keepsake.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.keepsake.api.ApiKind;
import dev.keepsake.api.BackupSession;
import dev.keepsake.api.Manifests;
import dev.keepsake.api.RestoreSession;
import dev.keepsake.api.SessionPhase;
import dev.keepsake.operator.app.Operator;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AuthorizationV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.AuthenticationV1TokenRequest;
import io.kubernetes.client.openapi.models.V1ResourceAttributes;
import io.kubernetes.client.openapi.models.V1SelfSubjectAccessReview;
import io.kubernetes.client.openapi.models.V1SelfSubjectAccessReviewSpec;
import io.kubernetes.client.openapi.models.V1TokenRequestSpec;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesApi;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesObject;
import io.kubernetes.client.util.generic.options.CreateOptions;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * charts/keepsake: rendered, accepted by a real API server, its RBAC enough for the operator and no
 * more.
 */
@ExtendWith(LocalControlPlaneExtension.class)
class ChartTest {
  private static final Path CHART = Project.root().resolve("charts/keepsake");
  private static final Path CUSTOM_VALUES =
      Path.of("src/test/resources/chart-values-custom.yaml").toAbsolutePath();
  private static final Pattern METRIC = Pattern.compile("\\b(keepsake_[a-z_]+)\\b");

  /** (group, version, plural, namespaced) of each kind the chart renders. */
  private static final Map<String, String[]> RESOURCES =
      Map.ofEntries(
          Map.entry("ServiceAccount", new String[] {"", "v1", "serviceaccounts", "true"}),
          Map.entry("ConfigMap", new String[] {"", "v1", "configmaps", "true"}),
          Map.entry("Service", new String[] {"", "v1", "services", "true"}),
          Map.entry("Deployment", new String[] {"apps", "v1", "deployments", "true"}),
          Map.entry(
              "ClusterRole",
              new String[] {"rbac.authorization.k8s.io", "v1", "clusterroles", "false"}),
          Map.entry(
              "ClusterRoleBinding",
              new String[] {"rbac.authorization.k8s.io", "v1", "clusterrolebindings", "false"}),
          Map.entry("Role", new String[] {"rbac.authorization.k8s.io", "v1", "roles", "true"}),
          Map.entry(
              "RoleBinding",
              new String[] {"rbac.authorization.k8s.io", "v1", "rolebindings", "true"}),
          Map.entry(
              "NetworkPolicy", new String[] {"networking.k8s.io", "v1", "networkpolicies", "true"}),
          Map.entry("Function", new String[] {"keepsake.dev", "v1alpha1", "functions", "true"}),
          Map.entry("Task", new String[] {"keepsake.dev", "v1alpha1", "tasks", "true"}),
          Map.entry(
              "ServiceMonitor",
              new String[] {"monitoring.coreos.com", "v1", "servicemonitors", "true"}),
          Map.entry(
              "PrometheusRule",
              new String[] {"monitoring.coreos.com", "v1", "prometheusrules", "true"}));

  private static String run(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor()).as(String.join(" ", command) + "\n" + output).isZero();
      return output;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static List<JsonObject> render(String namespace, String... extra) {
    List<String> command =
        new ArrayList<>(
            List.of(
                LocalTools.helm().toString(),
                "template",
                "kp",
                CHART.toString(),
                "--namespace",
                namespace));
    command.addAll(List.of(extra));
    return Manifests.read(new StringReader(run(command))).stream()
        .filter(d -> d != null && d.has("kind"))
        .toList();
  }

  @Test
  void theChartCarriesTheSameCrdsAndCatalogAsTheSourceTree() throws IOException {
    try (Stream<Path> crds =
        Files.list(Project.root().resolve("crds"))
            .filter(p -> p.getFileName().toString().endsWith(".yaml"))) {
      List<Path> sources = crds.toList();
      assertThat(sources).hasSize(7);
      for (Path source : sources) {
        assertThat(CHART.resolve("crds").resolve(source.getFileName()))
            .hasSameBinaryContentAs(source);
      }
    }
    for (String addon : List.of("redis", "postgres", "mariadb", "volume")) {
      assertThat(CHART.resolve("files/catalog").resolve(addon).resolve("addon.yaml"))
          .hasSameBinaryContentAs(
              Project.root().resolve("catalog").resolve(addon).resolve("addon.yaml"));
    }
  }

  @Test
  void theOperatorHoldsARightOnSecretsOnlyWhenSharedRepositoriesAreEnabled() {
    java.util.function.Function<List<JsonObject>, List<String>> secretRules =
        rendered ->
            rendered.stream()
                .filter(
                    d ->
                        d.get("kind").getAsString().equals("ClusterRole")
                            && d.getAsJsonObject("metadata")
                                .get("name")
                                .getAsString()
                                .equals("kp-keepsake"))
                .flatMap(
                    d ->
                        java.util.stream.StreamSupport.stream(
                            d.getAsJsonArray("rules").spliterator(), false))
                .map(r -> r.getAsJsonObject())
                .filter(r -> r.getAsJsonArray("resources").toString().contains("\"secrets\""))
                .map(r -> r.getAsJsonArray("verbs").toString())
                .toList();
    assertThat(secretRules.apply(render("keepsake-system"))).isEmpty();
    assertThat(
            secretRules.apply(
                render("keepsake-system", "--set", "sharedRepositories.enabled=true")))
        .containsExactly("[\"get\",\"create\",\"update\"]");
  }

  @Test
  void helmLintPassesWithDefaultAndCustomValues() {
    assertThat(run(List.of(LocalTools.helm().toString(), "lint", CHART.toString())))
        .contains("0 chart(s) failed");
    assertThat(
            run(
                List.of(
                    LocalTools.helm().toString(),
                    "lint",
                    CHART.toString(),
                    "--values",
                    CUSTOM_VALUES.toString())))
        .contains("0 chart(s) failed");
  }

  @Test
  void everyRenderedObjectIsAcceptedByTheApiServer(
      LocalControlPlane controlPlane, TestNamespace namespace) throws Exception {
    ApiClient client = controlPlane.client();
    installMonitoringCrds(client);
    for (String catalogNamespace : List.of("shop", "billing")) {
      if (new CoreV1Api(client)
          .listNamespace().execute().getItems().stream()
              .noneMatch(n -> n.getMetadata().getName().equals(catalogNamespace))) {
        controlPlane.createNamespaceNamed(catalogNamespace);
      }
    }
    List<JsonObject> defaults = render(namespace.name());
    List<JsonObject> custom = render(namespace.name(), "--values", CUSTOM_VALUES.toString());
    List<JsonObject> fenced =
        render(
            namespace.name(),
            "--set",
            "pushgateway.networkPolicy.enabled=true",
            "--set-json",
            "pushgateway.networkPolicy.scrapers=[{\"namespaceSelector\": {\"matchLabels\": {\"team\": \"monitoring\"}}}]");

    assertThat(kinds(defaults))
        .contains("Deployment", "ClusterRole", "ConfigMap", "Service")
        .doesNotContain("PrometheusRule");
    assertThat(kinds(custom)).contains("ServiceMonitor", "PrometheusRule", "Function", "Task");
    assertThat(custom.stream().filter(d -> d.get("kind").getAsString().equals("Function")))
        .hasSize(2 * 10);
    assertThat(kinds(fenced)).contains("NetworkPolicy");
    assertThat(kinds(defaults)).doesNotContain("NetworkPolicy");
    for (JsonObject object :
        concat(
            concat(defaults, custom),
            fenced.stream().filter(o -> kinds(List.of(o)).contains("NetworkPolicy")).toList())) {
      dryRunCreate(client, namespace.name(), object);
    }
    JsonObject deployment =
        custom.stream()
            .filter(d -> d.get("kind").getAsString().equals("Deployment"))
            .findFirst()
            .orElseThrow();
    assertThat(deployment.getAsJsonObject("spec").get("replicas").getAsInt()).isEqualTo(2);
    assertThat(deployment.toString())
        .contains("http://pushgateway.monitoring.svc:9091", "backup-jobs", "/healthz", "/readyz");
  }

  private static List<String> kinds(List<JsonObject> objects) {
    return objects.stream().map(o -> o.get("kind").getAsString()).toList();
  }

  private static List<JsonObject> concat(List<JsonObject> first, List<JsonObject> second) {
    List<JsonObject> all = new ArrayList<>(first);
    all.addAll(second);
    return all;
  }

  private static void dryRunCreate(ApiClient client, String namespace, JsonObject object) {
    String[] resource = RESOURCES.get(object.get("kind").getAsString());
    assertThat(resource).as("the test knows kind " + object.get("kind")).isNotNull();
    DynamicKubernetesApi api =
        new DynamicKubernetesApi(resource[0], resource[1], resource[2], client);
    CreateOptions options = new CreateOptions();
    options.setDryRun("All");
    var response =
        Boolean.parseBoolean(resource[3])
            ? api.create(
                object.getAsJsonObject("metadata").has("namespace")
                    ? object.getAsJsonObject("metadata").get("namespace").getAsString()
                    : namespace,
                new DynamicKubernetesObject(object),
                options)
            : api.create(new DynamicKubernetesObject(object), options);
    assertThat(response.isSuccess())
        .as(
            object.get("kind")
                + " "
                + object.getAsJsonObject("metadata").get("name")
                + ": "
                + (response.getStatus() == null ? "" : response.getStatus().getMessage()))
        .isTrue();
  }

  private static void installMonitoringCrds(ApiClient client) {
    DynamicKubernetesApi crds =
        new DynamicKubernetesApi("apiextensions.k8s.io", "v1", "customresourcedefinitions", client);
    for (JsonObject crd :
        Manifests.read(Path.of("src/test/resources/prometheus-operator-crds.yaml"))) {
      crds.create(new DynamicKubernetesObject(crd));
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () ->
                new DynamicKubernetesApi("monitoring.coreos.com", "v1", "prometheusrules", client)
                    .list("default")
                    .isSuccess());
  }

  @Test
  void theAlertRulesParseWithPromtool(@TempDir Path work) throws IOException {
    JsonObject rule =
        render("keepsake-system", "--set", "prometheusRule.enabled=true").stream()
            .filter(d -> d.get("kind").getAsString().equals("PrometheusRule"))
            .findFirst()
            .orElseThrow();
    Path rules = work.resolve("rules.json");
    Files.writeString(rules, rule.getAsJsonObject("spec").toString());

    assertThat(run(List.of("promtool", "check", "rules", rules.toString())))
        .contains("SUCCESS: 5 rules found");
  }

  /**
   * Installed for a list of namespaces, the operator holds Roles there and nothing else: it backs
   * up in a watched namespace, does not see an unwatched one, and the API server says what it
   * cannot do.
   */
  @Test
  void installedForAListOfNamespacesTheOperatorWorksWithRolesOnly(
      LocalControlPlane controlPlane, TestNamespace namespace, @TempDir Path work)
      throws Exception {
    ApiClient admin = controlPlane.client();
    String release = controlPlane.createNamespace("keepsake-ns");
    String unwatched = controlPlane.createNamespace("unwatched");
    List<JsonObject> rendered =
        render(release, "--set", "watchNamespaces={" + namespace.name() + "}");
    assertThat(rendered).noneMatch(d -> d.get("kind").getAsString().equals("ClusterRoleBinding"));
    for (JsonObject object : rendered) {
      if (Set.of("ServiceAccount", "Role", "RoleBinding")
          .contains(object.get("kind").getAsString())) {
        String[] resource = RESOURCES.get(object.get("kind").getAsString());
        var response =
            new DynamicKubernetesApi(resource[0], resource[1], resource[2], admin)
                .create(new DynamicKubernetesObject(object));
        assertThat(response.isSuccess()).as(String.valueOf(response.getStatus())).isTrue();
      }
    }
    Path operatorKubeconfig = operatorKubeconfig(controlPlane, release, work);
    ApiClient asOperator = controlPlane.clientFor(operatorKubeconfig);

    assertThat(
            allowed(asOperator, "list", "keepsake.dev", "backupconfigurations", namespace.name()))
        .as("watched")
        .isTrue();
    assertThat(allowed(asOperator, "create", "batch", "jobs", namespace.name()))
        .as("Jobs where it watches")
        .isTrue();
    assertThat(allowed(asOperator, "list", "keepsake.dev", "backupconfigurations", null))
        .as("the whole cluster")
        .isFalse();
    assertThat(allowed(asOperator, "list", "keepsake.dev", "backupconfigurations", unwatched))
        .as("unwatched")
        .isFalse();
    assertThat(allowed(asOperator, "create", "batch", "jobs", unwatched))
        .as("Jobs elsewhere")
        .isFalse();
    assertThat(allowed(asOperator, "create", "rbac.authorization.k8s.io", "roles", unwatched))
        .as("Roles elsewhere")
        .isFalse();
    assertThat(allowed(asOperator, "list", "", "namespaces", null)).as("namespaces").isFalse();

    RedisServer redis = RedisServer.start(work.resolve("redis"), "namespaced redis password");
    redis.cli("SET", "greeting", "kept by a namespaced operator");
    Operator operator =
        new Operator(
                asOperator,
                controlPlane.watchClientFor(operatorKubeconfig),
                TestOperators.settings("keepsake/runner:namespaced", null, 600, "keepsake-job")
                    .watching(List.of(namespace.name())),
                Operator.loopback())
            .start();
    KubeletStandIn kubelet =
        KubeletStandIn.start(controlPlane, work.resolve("kubelet"), LocalTools.runnerEnvironment());
    try {
      RedisScenario scenario = new RedisScenario(admin, namespace.name());
      scenario.setUp(
          redis,
          RedisScenario.localRepository(work.resolve("repository")),
          Map.of("RESTIC_PASSWORD", "namespaced restic pw"));
      scenario.configure("@daily", false);
      RedisScenario elsewhere = new RedisScenario(admin, unwatched);
      elsewhere.setUp(
          redis,
          RedisScenario.localRepository(work.resolve("elsewhere")),
          Map.of("RESTIC_PASSWORD", "elsewhere restic pw"));
      elsewhere.configure("@daily", false);
      scenario.backUpNow("namespaced");
      BackupSession backup = finishedBackup(admin, namespace.name(), "namespaced");
      assertThat(backup.getStatus().getPhase())
          .as(backup.getStatus().getMessage() + podLogs(work.resolve("kubelet")))
          .isEqualTo(SessionPhase.Succeeded);
      assertThat(
              ApiKind.BACKUP_CONFIGURATION
                  .api(admin)
                  .get(unwatched, RedisScenario.CONFIGURATION)
                  .getObject()
                  .getStatus())
          .as("a configuration in a namespace it does not watch")
          .isNull();
    } finally {
      kubelet.close();
      operator.close();
      redis.close();
    }
  }

  /**
   * The operator runs under the chart's ServiceAccount and ClusterRole only: a backup and a restore
   * go through. What it may not do is checked too. Every metric the dashboard and the alerts query
   * is one this run's Jobs pushed or the operator serves.
   */
  @Test
  void theOperatorWorksUnderTheChartsRbacAndEmitsEveryMetricTheDashboardAndAlertsUse(
      LocalControlPlane controlPlane, TestNamespace namespace, @TempDir Path work)
      throws Exception {
    ApiClient admin = controlPlane.client();
    String release = controlPlane.createNamespace("keepsake-system");
    List<JsonObject> rendered = render(release, "--set", "prometheusRule.enabled=true");
    for (JsonObject object : rendered) {
      if (Set.of("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding")
          .contains(object.get("kind").getAsString())) {
        String[] resource = RESOURCES.get(object.get("kind").getAsString());
        DynamicKubernetesApi api =
            new DynamicKubernetesApi(resource[0], resource[1], resource[2], admin);
        var response = api.create(new DynamicKubernetesObject(object));
        assertThat(response.isSuccess() || response.getHttpStatusCode() == 409)
            .as(String.valueOf(response.getStatus()))
            .isTrue();
      }
    }
    Path operatorKubeconfig = operatorKubeconfig(controlPlane, release, work);
    ApiClient asOperator = controlPlane.clientFor(operatorKubeconfig);

    // Each "cannot" of the chart's README, as the API server answers it for the operator's token.
    for (String verb : List.of("get", "list", "watch", "create", "update", "patch", "delete")) {
      assertThat(allowed(asOperator, verb, "", "secrets", namespace.name()))
          .as(verb + " secrets")
          .isFalse();
    }
    assertThat(allowed(asOperator, "get", "", "configmaps", namespace.name()))
        .as("read ConfigMaps")
        .isFalse();
    assertThat(allowed(asOperator, "delete", "", "pods", namespace.name()))
        .as("delete pods")
        .isFalse();
    assertThat(allowed(asOperator, "get", "", "pods", namespace.name()))
        .as("read a pod's spec by name")
        .isFalse();
    assertThat(allowed(asOperator, "get", "", "pods/log", namespace.name()))
        .as("read pod logs")
        .isFalse();
    assertThat(allowed(asOperator, "bind", "rbac.authorization.k8s.io", "roles", namespace.name()))
        .as("bind roles")
        .isFalse();
    assertThat(
            allowed(asOperator, "escalate", "rbac.authorization.k8s.io", "roles", namespace.name()))
        .as("escalate")
        .isFalse();
    assertThat(
            allowed(asOperator, "delete", "rbac.authorization.k8s.io", "roles", namespace.name()))
        .as("delete roles")
        .isFalse();
    assertThat(allowed(asOperator, "create", "rbac.authorization.k8s.io", "clusterroles", null))
        .as("ClusterRoles")
        .isFalse();
    assertThat(
            allowed(asOperator, "create", "rbac.authorization.k8s.io", "clusterrolebindings", null))
        .as("bindings")
        .isFalse();
    assertThat(allowed(asOperator, "impersonate", "", "serviceaccounts", namespace.name()))
        .as("impersonate")
        .isFalse();
    assertThat(allowed(asOperator, "create", "", "serviceaccounts/token", namespace.name()))
        .as("mint tokens")
        .isFalse();
    assertThat(
            allowed(
                asOperator, "update", "apiextensions.k8s.io", "customresourcedefinitions", null))
        .as("CRDs")
        .isFalse();
    assertThat(
            allowed(asOperator, "update", "keepsake.dev", "backupconfigurations", namespace.name()))
        .as("users' specs")
        .isFalse();
    assertThat(allowed(asOperator, "delete", "keepsake.dev", "restoresessions", namespace.name()))
        .as("delete restores")
        .isFalse();
    assertThat(allowed(asOperator, "patch", "", "namespaces", null))
        .as("label namespaces")
        .isFalse();
    assertThat(allowed(asOperator, "get", "", "nodes", null)).as("nodes").isFalse();
    assertThat(allowed(asOperator, "create", "", "pods", namespace.name()))
        .as("create pods")
        .isFalse();
    assertThat(allowed(asOperator, "update", "apps", "deployments", namespace.name()))
        .as("update deployments")
        .isFalse();
    assertThat(allowed(asOperator, "delete", "batch", "jobs", namespace.name()))
        .as("delete jobs")
        .isFalse();
    assertThat(allowed(asOperator, "patch", "batch", "jobs", namespace.name()))
        .as("suspend jobs")
        .isTrue();
    assertThat(allowed(asOperator, "delete", "batch", "cronjobs", namespace.name()))
        .as("remove a check CronJob once its Repository's spec.check goes")
        .isTrue();
    assertThat(allowed(asOperator, "create", "coordination.k8s.io", "leases", namespace.name()))
        .as("leases elsewhere")
        .isFalse();

    RedisServer redis = RedisServer.start(work.resolve("redis"), "chart redis password");
    redis.cli("SET", "greeting", "kept by keepsake");
    Pushgateway pushgateway =
        Pushgateway.start(Files.createDirectories(work.resolve("pushgateway")));
    Operator operator =
        new Operator(
                asOperator,
                controlPlane.watchClientFor(operatorKubeconfig),
                TestOperators.settings(
                    "keepsake/runner:chart", pushgateway.url(), 600, "keepsake-job"),
                Operator.loopback())
            .start();
    KubeletStandIn kubelet =
        KubeletStandIn.start(controlPlane, work.resolve("kubelet"), LocalTools.runnerEnvironment());
    try {
      RedisScenario scenario = new RedisScenario(admin, namespace.name());
      Path repository = work.resolve("repository");
      scenario.setUp(
          redis,
          RedisScenario.localRepository(repository),
          Map.of("RESTIC_PASSWORD", "chart restic password"));
      scenario.configure("@daily", false);
      scenario.backUpNow("under-chart-rbac");
      BackupSession backup = finishedBackup(admin, namespace.name(), "under-chart-rbac");
      assertThat(backup.getStatus().getPhase())
          .as(backup.getStatus().getMessage() + podLogs(work.resolve("kubelet")))
          .isEqualTo(SessionPhase.Succeeded);
      scenario.restoreLatest("restore-under-chart-rbac");
      RestoreSession restore =
          await()
              .atMost(Duration.ofMinutes(3))
              .ignoreExceptions()
              .until(
                  () ->
                      ApiKind.RESTORE_SESSION
                          .api(admin)
                          .get(namespace.name(), "restore-under-chart-rbac")
                          .getObject(),
                  s ->
                      s.getStatus() != null
                          && s.getStatus().getPhase() != null
                          && s.getStatus().getPhase().isFinished());
      assertThat(restore.getStatus().getPhase())
          .as(restore.getStatus().getMessage())
          .isEqualTo(SessionPhase.Succeeded);
      // An operator without Secret rights cannot tell a Secret is gone: the pod that cannot start
      // says so.
      new CoreV1Api(admin)
          .deleteNamespacedSecret(RedisScenario.REPOSITORY_SECRET, namespace.name())
          .execute();
      scenario.backUpNow("secret-gone");
      BackupSession withoutSecret = finishedBackup(admin, namespace.name(), "secret-gone");
      assertThat(withoutSecret.getStatus().getPhase()).isEqualTo(SessionPhase.Failed);
      assertThat(withoutSecret.getStatus().getMessage())
          .contains(RedisScenario.REPOSITORY_SECRET, "not found");
      RunnerProcess check =
          new RunnerProcess(
              work,
              Map.of(
                  "RESTIC_REPOSITORY",
                  repository.toString(),
                  "RESTIC_PASSWORD",
                  "chart restic password",
                  "KEEPSAKE_PUSHGATEWAY_URL",
                  pushgateway.url(),
                  "KEEPSAKE_NAMESPACE",
                  namespace.name(),
                  "KEEPSAKE_REPOSITORY_NAME",
                  RedisScenario.REPOSITORY));
      assertThat(check.run("check").exit()).isZero();
      // Failure counts are pushed by failed runs only.
      // Into the configuration's own group: the operator deletes groups whose configuration does
      // not exist.
      assertThat(
              check
                  .with("KEEPSAKE_CONFIGURATION", RedisScenario.CONFIGURATION)
                  .run("backup", "--host", "failing", "--", "false")
                  .reason())
          .isEqualTo("DumpFailed");
      // The operator marks each configuration's group paused or not at its next look at the
      // Pushgateway.
      await()
          .atMost(Duration.ofSeconds(40))
          .until(() -> pushgateway.metrics().contains("keepsake_backup_paused{"));

      Set<String> emitted = new TreeSet<>(names(pushgateway.metrics()));
      emitted.addAll(names(scrape(operator.healthPort())));
      Set<String> used =
          new TreeSet<>(names(Files.readString(CHART.resolve("files/dashboards/keepsake.json"))));
      JsonObject rule =
          rendered.stream()
              .filter(d -> d.get("kind").getAsString().equals("PrometheusRule"))
              .findFirst()
              .orElseThrow();
      for (JsonElement group : rule.getAsJsonObject("spec").getAsJsonArray("groups")) {
        for (JsonElement alert : group.getAsJsonObject().getAsJsonArray("rules")) {
          used.addAll(names(alert.getAsJsonObject().get("expr").getAsString()));
        }
      }
      assertThat(used).hasSizeGreaterThanOrEqualTo(15);
      assertThat(emitted).containsAll(used);
      queriesAnswerOnARealPrometheus(work, pushgateway, operator.healthPort(), rule);
    } finally {
      kubelet.close();
      operator.close();
      pushgateway.close();
      redis.close();
    }
  }

  /**
   * A real Prometheus scrapes the Pushgateway the Jobs pushed to and the operator: every dashboard
   * query returns data, and every alert expression evaluates.
   */
  private static void queriesAnswerOnARealPrometheus(
      Path work, Pushgateway pushgateway, int operatorPort, JsonObject rule) throws IOException {
    try (PrometheusServer prometheus =
        PrometheusServer.start(
            work.resolve("prometheus"),
            List.of(pushgateway.url().replaceFirst("^http://", ""), "127.0.0.1:" + operatorPort))) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  prometheus
                              .query("keepsake_backup_success")
                              .getAsJsonObject("data")
                              .getAsJsonArray("result")
                              .size()
                          > 0
                      && prometheus
                              .query("keepsake_operator_scheduled_configurations")
                              .getAsJsonObject("data")
                              .getAsJsonArray("result")
                              .size()
                          > 0);
      JsonObject dashboard =
          JsonParser.parseString(Files.readString(CHART.resolve("files/dashboards/keepsake.json")))
              .getAsJsonObject();
      for (JsonElement panel : dashboard.getAsJsonArray("panels")) {
        for (JsonElement target : panel.getAsJsonObject().getAsJsonArray("targets")) {
          String expr =
              target.getAsJsonObject().get("expr").getAsString().replace("$namespace", ".*");
          JsonObject answer = prometheus.query(expr);
          assertThat(answer.get("status").getAsString())
              .as(expr + " → " + answer)
              .isEqualTo("success");
          if (!expr.contains("reconcile_errors_total")) {
            // Errors appear only once a reconcile has failed.
            assertThat(answer.getAsJsonObject("data").getAsJsonArray("result"))
                .as("data for " + expr)
                .isNotEmpty();
          }
        }
      }
      for (JsonElement group : rule.getAsJsonObject("spec").getAsJsonArray("groups")) {
        for (JsonElement alert : group.getAsJsonObject().getAsJsonArray("rules")) {
          String expr = alert.getAsJsonObject().get("expr").getAsString();
          assertThat(prometheus.query(expr).get("status").getAsString())
              .as(expr)
              .isEqualTo("success");
        }
      }
      // The failed backup this test pushed is what KeepsakeBackupFailed is for.
      assertThat(
              prometheus
                  .query("max by (namespace, configuration) (keepsake_backup_success) == 0")
                  .getAsJsonObject("data")
                  .getAsJsonArray("result")
                  .toString())
          .contains("\"configuration\":\"" + RedisScenario.CONFIGURATION + "\"");
    }
  }

  /** The tails of every pod log the kubelet stand-in kept, to explain a failure. */
  private static String podLogs(Path kubelet) throws IOException {
    StringBuilder logs = new StringBuilder();
    try (Stream<Path> files = Files.walk(kubelet)) {
      for (Path log : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
        logs.append("\n--- ")
            .append(kubelet.relativize(log))
            .append('\n')
            .append(LogTail.of(log, 15));
      }
    }
    return logs.toString();
  }

  static boolean allowed(
      ApiClient client, String verb, String group, String resource, String namespace)
      throws ApiException {
    return new AuthorizationV1Api(client)
        .createSelfSubjectAccessReview(
            new V1SelfSubjectAccessReview()
                .spec(
                    new V1SelfSubjectAccessReviewSpec()
                        .resourceAttributes(
                            new V1ResourceAttributes()
                                .verb(verb)
                                .group(group)
                                .resource(resource)
                                .namespace(namespace))))
        .execute()
        .getStatus()
        .getAllowed();
  }

  private static String scrape(int port) throws IOException, InterruptedException {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** Metric names in a text; histogram and counter suffixes stay as they are written. */
  private static Set<String> names(String text) {
    Set<String> names = new TreeSet<>();
    Matcher matcher = METRIC.matcher(text);
    while (matcher.find()) {
      String name = matcher.group(1);
      names.add(name);
      if (name.endsWith("_bucket") || name.endsWith("_count") || name.endsWith("_sum")) {
        names.add(name.substring(0, name.lastIndexOf('_')));
      }
    }
    return names;
  }

  private static BackupSession finishedBackup(ApiClient admin, String namespace, String name) {
    return await()
        .atMost(Duration.ofMinutes(3))
        .ignoreExceptions()
        .until(
            () -> ApiKind.BACKUP_SESSION.api(admin).get(namespace, name).getObject(),
            s ->
                s.getStatus() != null
                    && s.getStatus().getPhase() != null
                    && s.getStatus().getPhase().isFinished());
  }

  /** A kubeconfig with a token of the chart's operator ServiceAccount, and so only its rights. */
  private static Path operatorKubeconfig(LocalControlPlane controlPlane, String release, Path work)
      throws ApiException {
    String token =
        new CoreV1Api(controlPlane.client())
            .createNamespacedServiceAccountToken(
                "kp-keepsake",
                release,
                new AuthenticationV1TokenRequest()
                    .spec(new V1TokenRequestSpec().expirationSeconds(3600L).audiences(List.of())))
            .execute()
            .getStatus()
            .getToken();
    return Kubeconfigs.withToken(
        work.resolve("operator"),
        controlPlane.serverUrl(),
        controlPlane.certificateAuthorityPem(),
        "kp-keepsake",
        token,
        release);
  }
}
