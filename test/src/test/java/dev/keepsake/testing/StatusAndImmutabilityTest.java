package dev.keepsake.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.gson.JsonObject;
import dev.keepsake.api.ApiKind;
import dev.keepsake.api.BackupSession;
import dev.keepsake.api.BackupSessionStatus;
import dev.keepsake.api.Manifests;
import dev.keepsake.api.Progress;
import dev.keepsake.api.SessionPhase;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.apis.CustomObjectsApi;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalControlPlaneExtension.class)
class StatusAndImmutabilityTest {

  private static BackupSession createSession(ApiClient client, TestNamespace namespace)
      throws ApiException {
    BackupSession session =
        Manifests.toModel(
            Examples.get("BackupSession", "redis-nightly-manual"), BackupSession.class);
    session.getMetadata().setNamespace(namespace.name());
    return ApiKind.BACKUP_SESSION.api(client).create(session).throwsApiException().getObject();
  }

  @Test
  void aStatusUpdateIsStoredWithoutBumpingTheGeneration(ApiClient client, TestNamespace namespace)
      throws ApiException {
    BackupSession created = createSession(client, namespace);
    OffsetDateTime started = OffsetDateTime.of(2026, 11, 22, 2, 30, 0, 0, ZoneOffset.UTC);
    created.status(
        new BackupSessionStatus()
            .phase(SessionPhase.Running)
            .startTime(started)
            .progress(
                new Progress().bytesDone(512L * 1024 * 1024).bytesPerSecond(64L * 1024 * 1024)));

    BackupSession updated = ApiKind.BACKUP_SESSION.replaceStatus(client, created);

    assertThat(updated.getMetadata().getGeneration())
        .isEqualTo(created.getMetadata().getGeneration())
        .isEqualTo(1L);
    BackupSession read =
        ApiKind.BACKUP_SESSION
            .api(client)
            .get(namespace.name(), created.getMetadata().getName())
            .throwsApiException()
            .getObject();
    assertThat(read.getStatus().getPhase()).isEqualTo(SessionPhase.Running);
    assertThat(read.getStatus().getStartTime()).isEqualTo(started);
    assertThat(read.getStatus().getProgress().getBytesDone()).isEqualTo(512L * 1024 * 1024);
  }

  @Test
  void statusSentWithTheObjectOnCreateIsIgnored(ApiClient client, TestNamespace namespace)
      throws ApiException {
    JsonObject session = Examples.get("BackupSession", "redis-nightly-manual");
    Examples.with(session, "status", "{\"phase\": \"Succeeded\", \"snapshotId\": \"0123abcd\"}");

    JsonObject stored = Examples.createStrict(client, namespace.name(), session);

    assertThat(stored.has("status")).isFalse();
  }

  @Test
  void aPhaseOutsideTheEnumIsRefused(ApiClient client, TestNamespace namespace)
      throws ApiException {
    BackupSession created = createSession(client, namespace);
    JsonObject withBadPhase = Manifests.toJson(created);
    Examples.with(withBadPhase, "status", "{\"phase\": \"Done\"}");

    ApiException refusal =
        catchThrowableOfType(
            ApiException.class,
            () ->
                new CustomObjectsApi(client)
                    .replaceNamespacedCustomObjectStatus(
                        "keepsake.dev",
                        "v1alpha1",
                        namespace.name(),
                        "backupsessions",
                        created.getMetadata().getName(),
                        withBadPhase)
                    .execute());

    assertThat(refusal).isNotNull();
    assertThat(Examples.message(refusal)).contains("status.phase: Unsupported value: \"Done\"");
  }

  @Test
  void aBackupSessionSpecCannotChangeAfterCreationButItsLabelsCan(
      ApiClient client, TestNamespace namespace) throws ApiException {
    BackupSession created = createSession(client, namespace);
    JsonObject changedSpec = Manifests.toJson(created);
    Examples.with(changedSpec, "spec.trigger", "\"Scheduled\"");

    ApiException refusal =
        catchThrowableOfType(
            ApiException.class, () -> replace(client, namespace, "backupsessions", changedSpec));

    assertThat(refusal).isNotNull();
    assertThat(Examples.message(refusal))
        .contains("spec is immutable: create a new BackupSession instead");
    JsonObject relabelled = Manifests.toJson(created);
    Examples.with(relabelled, "metadata.labels", "{\"team\": \"cache\"}");
    assertThat(
            replace(client, namespace, "backupsessions", relabelled)
                .getAsJsonObject("metadata")
                .toString())
        .contains("\"team\":\"cache\"");
  }

  @Test
  void aRestoreSessionSpecCannotChangeAfterCreation(ApiClient client, TestNamespace namespace)
      throws ApiException {
    JsonObject stored =
        Examples.createStrict(
            client, namespace.name(), Examples.get("RestoreSession", "redis-restore"));
    Examples.with(stored, "spec.snapshot", "\"0123abcd\"");

    ApiException refusal =
        catchThrowableOfType(
            ApiException.class, () -> replace(client, namespace, "restoresessions", stored));

    assertThat(refusal).isNotNull();
    assertThat(Examples.message(refusal))
        .contains("spec is immutable: create a new RestoreSession instead");
  }

  private static JsonObject replace(
      ApiClient client, TestNamespace namespace, String plural, JsonObject object)
      throws ApiException {
    Object replaced =
        new CustomObjectsApi(client)
            .replaceNamespacedCustomObject(
                "keepsake.dev",
                "v1alpha1",
                namespace.name(),
                plural,
                object.getAsJsonObject("metadata").get("name").getAsString(),
                object)
            .execute();
    return new JSON().getGson().toJsonTree(replaced).getAsJsonObject();
  }
}
