package dev.keepsake.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.keepsake.api.ApiKind;
import dev.keepsake.api.BackupSession;
import dev.keepsake.api.BackupSessionStatus;
import dev.keepsake.api.Manifests;
import dev.keepsake.api.SessionPhase;
import io.kubernetes.client.openapi.ApiClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What {@code kubectl get} shows: printer columns, short names and the keepsake category. */
@ExtendWith(LocalControlPlaneExtension.class)
class PrinterColumnsTest {

  @Test
  void aBackupSessionTableShowsPhaseSnapshotSizeAndDuration(
      LocalControlPlane controlPlane, TestNamespace namespace) throws Exception {
    ApiClient client = controlPlane.client();
    BackupSession session =
        Manifests.toModel(
            Examples.get("BackupSession", "redis-nightly-manual"), BackupSession.class);
    session.getMetadata().setNamespace(namespace.name());
    BackupSession created =
        ApiKind.BACKUP_SESSION.api(client).create(session).throwsApiException().getObject();
    created.status(
        new BackupSessionStatus()
            .phase(SessionPhase.Succeeded)
            .snapshotId("4f9a1c2e")
            .size("1.2 GiB")
            .duration("1m12s"));
    ApiKind.BACKUP_SESSION.replaceStatus(client, created);

    JsonObject table = table(controlPlane, namespace, "backupsessions");

    assertThat(columnNames(table))
        .containsSubsequence(
            "Name", "Configuration", "Phase", "Snapshot", "Size", "Duration", "Age");
    assertThat(firstRowCells(table))
        .containsSubsequence(
            "redis-nightly-manual", "redis-nightly", "Succeeded", "4f9a1c2e", "1.2 GiB", "1m12s");
  }

  @Test
  void aBackupConfigurationTableShowsScheduleAndPausedAndRepository(
      LocalControlPlane controlPlane, TestNamespace namespace) throws Exception {
    Examples.createStrict(
        controlPlane.client(),
        namespace.name(),
        Examples.get("BackupConfiguration", "redis-nightly"));

    JsonObject table = table(controlPlane, namespace, "backupconfigurations");

    assertThat(columnNames(table))
        .containsSubsequence(
            "Name",
            "Schedule",
            "Paused",
            "Repository",
            "Ready",
            "Last Backup",
            "Last Success",
            "Next Backup",
            "Age");
    assertThat(firstRowCells(table))
        .containsSubsequence("redis-nightly", "30 2 * * *", "false", "redis-s3");
  }

  @Test
  void everyKindIsInTheKeepsakeCategoryWithShortNames(LocalControlPlane controlPlane)
      throws IOException {
    JsonObject discovery = get(controlPlane, "/apis/keepsake.dev/v1alpha1", "application/json");

    List<String> categorised = new ArrayList<>();
    for (JsonElement resource : discovery.getAsJsonArray("resources")) {
      JsonObject r = resource.getAsJsonObject();
      if (r.get("name").getAsString().contains("/")) {
        continue; // the status subresources
      }
      assertThat(r.getAsJsonArray("categories").toString()).contains("keepsake");
      assertThat(r.getAsJsonArray("shortNames")).isNotEmpty();
      categorised.add(r.get("kind").getAsString());
    }
    assertThat(categorised)
        .containsExactlyInAnyOrderElementsOf(ApiKind.ALL.stream().map(ApiKind::kind).toList());
  }

  @Test
  void kubectlGetKeepsakeListsEveryKindOfTheExamples(
      LocalControlPlane controlPlane, TestNamespace namespace) throws Exception {
    Path kubectl = LocalTools.kubectl();
    for (JsonObject example : Examples.all()) {
      Examples.create(controlPlane.client(), namespace.name(), example);
    }

    Process process =
        new ProcessBuilder(
                kubectl.toString(),
                "--kubeconfig",
                controlPlane.kubeconfig().toString(),
                "get",
                "keepsake",
                "-n",
                namespace.name())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();

    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output)
        .contains(
            "repository.keepsake.dev/redis-s3",
            "appbinding.keepsake.dev/redis",
            "function.keepsake.dev/redis-backup-7",
            "task.keepsake.dev/redis-backup-7",
            "backupconfiguration.keepsake.dev/redis-nightly",
            "backupsession.keepsake.dev/redis-nightly-manual",
            "restoresession.keepsake.dev/redis-restore")
        .contains("SCHEDULE", "PAUSED", "PHASE", "SNAPSHOT");
  }

  private static JsonObject table(
      LocalControlPlane controlPlane, TestNamespace namespace, String plural) throws IOException {
    return get(
        controlPlane,
        "/apis/keepsake.dev/v1alpha1/namespaces/" + namespace.name() + "/" + plural,
        "application/json;as=Table;v=v1;g=meta.k8s.io");
  }

  private static JsonObject get(LocalControlPlane controlPlane, String path, String accept)
      throws IOException {
    Request request =
        new Request.Builder()
            .url(controlPlane.serverUrl() + path)
            .header("Accept", accept)
            .get()
            .build();
    try (Response response = controlPlane.client().getHttpClient().newCall(request).execute()) {
      assertThat(response.code()).isEqualTo(200);
      return JsonParser.parseString(response.body().string()).getAsJsonObject();
    }
  }

  private static List<String> columnNames(JsonObject table) {
    List<String> names = new ArrayList<>();
    table
        .getAsJsonArray("columnDefinitions")
        .forEach(c -> names.add(c.getAsJsonObject().get("name").getAsString()));
    return names;
  }

  private static List<String> firstRowCells(JsonObject table) {
    JsonArray rows = table.getAsJsonArray("rows");
    assertThat(rows).hasSize(1);
    List<String> cells = new ArrayList<>();
    rows.get(0)
        .getAsJsonObject()
        .getAsJsonArray("cells")
        .forEach(c -> cells.add(c.isJsonNull() ? "" : c.getAsString()));
    return cells;
  }
}
