package dev.keepsake.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.gson.JsonObject;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad input is refused by the API server itself, with a message that names the problem. */
@ExtendWith(LocalControlPlaneExtension.class)
class SchemaRefusesBadManifestsTest {

  private static Arguments refused(
      String what,
      String kind,
      String name,
      UnaryOperator<JsonObject> change,
      String expectedMessage) {
    return Arguments.of(what, kind, name, change, expectedMessage);
  }

  private static UnaryOperator<JsonObject> set(String path, String json) {
    return object -> Examples.with(object, path, json);
  }

  static Stream<Arguments> badManifests() {
    return Stream.of(
        refused(
            "two backends",
            "Repository",
            "redis-s3",
            set(
                "spec.backend.local",
                "{\"mountPath\": \"/repo\", \"hostPath\": {\"path\": \"/data\"}}"),
            "exactly one backend must be set: local, s3, gcs, azure, b2 or rest"),
        refused(
            "no backend at all",
            "Repository",
            "redis-s3",
            set("spec.backend", "{}"),
            "exactly one backend must be set"),
        refused(
            "no Secret for the repository",
            "Repository",
            "redis-s3",
            set("spec.secret", null),
            "spec.secret: Required value"),
        refused(
            "an unknown field",
            "Repository",
            "redis-s3",
            set("spec.backend.s3.bucketName", "\"x\""),
            "unknown field \"spec.backend.s3.bucketName\""),
        refused(
            "a bucket name S3 would refuse",
            "Repository",
            "redis-s3",
            set("spec.backend.s3.bucket", "\"My_Backups\""),
            "spec.backend.s3.bucket in body should match"),
        refused(
            "a local backend without a volume",
            "Repository",
            "redis-local",
            set("spec.backend.local.persistentVolumeClaim", null),
            "a local backend needs exactly one volume"),
        refused(
            "a selector usage policy without selector",
            "Repository",
            "redis-s3",
            set("spec.usagePolicy.allowedNamespaces", "{\"from\": \"Selector\"}"),
            "selector must be set when from is Selector"),
        refused(
            "a usage policy outside the enum",
            "Repository",
            "redis-s3",
            set("spec.usagePolicy.allowedNamespaces", "{\"from\": \"Everyone\"}"),
            "Unsupported value: \"Everyone\""),
        refused(
            "a negative retention count",
            "BackupConfiguration",
            "redis-nightly",
            set("spec.retentionPolicy.keepLast", "-1"),
            "spec.retentionPolicy.keepLast in body should be greater than or equal to 0"),
        refused(
            "a retention policy that keeps nothing",
            "BackupConfiguration",
            "redis-nightly",
            set("spec.retentionPolicy", "{\"prune\": true}"),
            "a retention policy must keep something"),
        refused(
            "a memory limit in MB, which is not a Kubernetes quantity",
            "BackupConfiguration",
            "redis-nightly",
            set("spec.runtimeSettings", "{\"resources\": {\"limits\": {\"memory\": \"256MB\"}}}"),
            "spec.runtimeSettings.resources.limits.memory in body should match"),
        refused(
            "a scratch size in GB",
            "Task",
            "redis-backup-7",
            set(
                "spec.volumes",
                "[{\"name\": \"scratch\", \"emptyDir\": {\"sizeLimit\": \"1GB\"}}]"),
            "sizeLimit in body should match"),
        refused(
            "no schedule",
            "BackupConfiguration",
            "redis-nightly",
            set("spec.schedule", null),
            "spec.schedule: Required value"),
        refused(
            "a schedule in words",
            "BackupConfiguration",
            "redis-nightly",
            set("spec.schedule", "\"every night\""),
            "spec.schedule in body should match"),
        refused(
            "a repository name that is not a DNS label",
            "BackupConfiguration",
            "redis-nightly",
            set("spec.repository.name", "\"Redis_S3\""),
            "spec.repository.name in body should match"),
        refused(
            "a target kind that cannot be backed up",
            "BackupConfiguration",
            "redis-nightly",
            set("spec.target.ref.kind", "\"Deployment\""),
            "spec.target.ref.kind: Unsupported value: \"Deployment\""),
        refused(
            "a hook with both exec and httpPost",
            "BackupConfiguration",
            "redis-nightly",
            set(
                "spec.hooks.preBackup",
                "[{\"name\": \"flush\", \"exec\": {\"command\": [\"true\"]},"
                    + " \"httpPost\": {\"url\": \"http://app:8080/pause\"}}]"),
            "a hook needs exactly one of exec, httpGet or httpPost"),
        refused(
            "a pre hook that only runs on success",
            "BackupConfiguration",
            "redis-nightly",
            set(
                "spec.hooks.preBackup",
                "[{\"name\": \"flush\", \"exec\": {\"command\": [\"true\"]},"
                    + " \"executionPolicy\": \"OnSuccess\"}]"),
            "a preBackup hook always runs: executionPolicy (OnSuccess, OnFailure) is for post hooks"),
        refused(
            "two hooks of one name",
            "BackupConfiguration",
            "redis-nightly",
            set(
                "spec.hooks.postBackup",
                "[{\"name\": \"notify\", \"httpGet\": {\"url\": \"http://a\"}},"
                    + " {\"name\": \"notify\", \"httpGet\": {\"url\": \"http://b\"}}]"),
            "Duplicate value"),
        refused(
            "a hook URL that is not HTTP",
            "BackupConfiguration",
            "redis-nightly",
            set(
                "spec.hooks.postBackup",
                "[{\"name\": \"notify\", \"httpGet\": {\"url\": \"file:///etc/passwd\"}}]"),
            "spec.hooks.postBackup[0].httpGet.url in body should match"),
        refused(
            "a hook without a name",
            "RestoreSession",
            "redis-restore",
            set("spec.hooks", "{\"preRestore\": [{\"httpGet\": {\"url\": \"http://app/stop\"}}]}"),
            "spec.hooks.preRestore[0].name: Required value"),
        refused(
            "a timeout in words",
            "BackupConfiguration",
            "redis-nightly",
            set("spec.timeout", "\"half an hour\""),
            "spec.timeout in body should match"),
        refused(
            "a negative history limit",
            "BackupConfiguration",
            "redis-nightly",
            set("spec.backupHistoryLimit", "-3"),
            "spec.backupHistoryLimit in body should be greater than or equal to 0"),
        refused(
            "a session without invoker",
            "BackupSession",
            "redis-nightly-manual",
            set("spec.invoker", null),
            "spec.invoker: Required value"),
        refused(
            "a trigger outside the enum",
            "BackupSession",
            "redis-nightly-manual",
            set("spec.trigger", "\"Cron\""),
            "spec.trigger: Unsupported value: \"Cron\""),
        refused(
            "a snapshot that is neither latest nor an id",
            "RestoreSession",
            "redis-restore",
            set("spec.snapshot", "\"newest\""),
            "spec.snapshot in body should match"),
        refused(
            "a restore without task",
            "RestoreSession",
            "redis-restore",
            set("spec.task", null),
            "spec.task: Required value"),
        refused(
            "an env entry with value and valueFrom",
            "Function",
            "redis-backup-7",
            set(
                "spec.env",
                "[{\"name\": \"A\", \"value\": \"x\", \"valueFrom\": {\"secretKeyRef\": {\"name\": \"s\", \"key\": \"k\"}}}]"),
            "an env entry has either value or valueFrom, not both"),
        refused(
            "a function without image",
            "Function",
            "redis-backup-7",
            set("spec.image", null),
            "spec.image: Required value"),
        refused(
            "a task without steps",
            "Task",
            "redis-backup-7",
            set("spec.steps", "[]"),
            "spec.steps in body should have at least 1 items"),
        refused(
            "a step that names no DNS label",
            "Task",
            "redis-backup-7",
            set("spec.steps", "[{\"name\": \"Redis Backup\"}]"),
            "spec.steps[0].name in body should match"),
        refused(
            "an application with url and service",
            "AppBinding",
            "redis",
            set("spec.clientConfig.url", "\"redis://redis:6379\""),
            "clientConfig needs exactly one of url or service"),
        refused(
            "a port out of range",
            "AppBinding",
            "redis",
            set("spec.clientConfig.service.port", "70000"),
            "spec.clientConfig.service.port in body should be less than or equal to 65535"),
        refused(
            "a minute the CronJob controller rejects",
            "BackupConfiguration",
            "redis-nightly",
            set("spec.schedule", "\"61 2 * * *\""),
            "spec.schedule in body should match"),
        refused(
            "day of week 7",
            "BackupConfiguration",
            "redis-nightly",
            set("spec.schedule", "\"0 2 * * 7\""),
            "spec.schedule in body should match"),
        refused(
            "a step of zero",
            "BackupConfiguration",
            "redis-nightly",
            set("spec.schedule", "\"*/0 * * * *\""),
            "spec.schedule in body should match"),
        refused(
            "a month spelt out",
            "BackupConfiguration",
            "redis-nightly",
            set("spec.schedule", "\"0 2 1 February *\""),
            "spec.schedule in body should match"),
        refused(
            "a time zone inside the schedule",
            "BackupConfiguration",
            "redis-nightly",
            set("spec.schedule", "\"CRON_TZ=UTC 0 2 * * *\""),
            "spec.schedule in body should match"),
        refused(
            "six fields",
            "BackupConfiguration",
            "redis-nightly",
            set("spec.schedule", "\"0 0 2 * * *\""),
            "spec.schedule in body should match"),
        refused(
            "a time zone nobody knows",
            "BackupConfiguration",
            "redis-nightly",
            set("spec.timeZone", "\"Mars/Olympus\""),
            "spec.timeZone: Invalid value: \"string\": must be a zone of the IANA time zone database"),
        refused(
            "the local time zone",
            "BackupConfiguration",
            "redis-nightly",
            set("spec.timeZone", "\"Local\""),
            "must be a zone of the IANA time zone database"),
        refused(
            "a time zone in lower case",
            "BackupConfiguration",
            "redis-nightly",
            set("spec.timeZone", "\"europe/paris\""),
            "(case matters)"),
        refused(
            "a timeout longer than a year",
            "BackupConfiguration",
            "redis-nightly",
            set("spec.timeout", "\"9000h\""),
            "the timeout must be between 1s and 8760h"),
        refused(
            "a timeout too large for any clock",
            "BackupConfiguration",
            "redis-nightly",
            set("spec.timeout", "\"99999999999h\""),
            "spec.timeout in body should match"),
        refused(
            "a timeout of nothing",
            "BackupConfiguration",
            "redis-nightly",
            set("spec.timeout", "\"0s\""),
            "the timeout must be between 1s and 8760h"),
        refused(
            "a restore timeout longer than a year",
            "RestoreSession",
            "redis-restore",
            set("spec.timeout", "\"10000h\""),
            "the timeout must be between 1s and 8760h"),
        refused(
            "an application URL with a password in it",
            "AppBinding",
            "redis",
            set("spec.clientConfig", "{\"url\": \"redis://:secret@redis.demo:6379\"}"),
            "credentials (user:password@) do not belong in a URL"),
        refused(
            "an application URL java.net.URI refuses",
            "AppBinding",
            "redis",
            set("spec.clientConfig", "{\"url\": \"redis://redis.demo:6379/a^b\"}"),
            "spec.clientConfig.url in body should match"),
        refused(
            "an application URL with a broken escape",
            "AppBinding",
            "redis",
            set("spec.clientConfig", "{\"url\": \"redis://redis.demo:6379/%zz\"}"),
            "spec.clientConfig.url in body should match"),
        refused(
            "an S3 endpoint with credentials",
            "Repository",
            "redis-s3",
            set("spec.backend.s3.endpoint", "\"http://key:secret@minio.storage:9000\""),
            "credentials (user:password@) do not belong in a URL"),
        refused(
            "a retention count wider than 32 bits, which would wrap to 3",
            "BackupConfiguration",
            "redis-nightly",
            set("spec.retentionPolicy.keepLast", "4294967299"),
            "spec.retentionPolicy.keepLast in body should be less than or equal to 2147483647"),
        refused(
            "a user id wider than Linux's",
            "BackupConfiguration",
            "redis-nightly",
            set("spec.runtimeSettings.securityContext.runAsUser", "4294967296"),
            "spec.runtimeSettings.securityContext.runAsUser in body should be less than or equal to 2147483647"),
        refused(
            "a restore target that climbs out of the volume",
            "RestoreSession",
            "redis-restore",
            set(
                "spec.target",
                "{\"ref\": {\"kind\": \"PersistentVolumeClaim\", \"name\": \"uploads\"},"
                    + " \"targetPath\": \"/restored/../../etc\"}"),
            "a path must not contain a .. segment"),
        refused(
            "restore paths, which restores do not use",
            "RestoreSession",
            "redis-restore",
            set(
                "spec.target",
                "{\"ref\": {\"kind\": \"PersistentVolumeClaim\", \"name\": \"uploads\"},"
                    + " \"paths\": [\"/invoices\"]}"),
            "spec.target.paths does not apply to restores: choose the files to restore with"
                + " spec.target.include"),
        refused(
            "a restore with both include and exclude patterns",
            "RestoreSession",
            "redis-restore",
            set(
                "spec.target",
                "{\"ref\": {\"kind\": \"PersistentVolumeClaim\", \"name\": \"uploads\"},"
                    + " \"include\": [\"/target/photos\"], \"exclude\": [\"*.log\"]}"),
            "spec.target.include and spec.target.exclude cannot both be given"),
        refused(
            "a backup path that climbs out of the volume",
            "BackupConfiguration",
            "redis-nightly",
            set(
                "spec.target",
                "{\"ref\": {\"kind\": \"PersistentVolumeClaim\", \"name\": \"uploads\"},"
                    + " \"paths\": [\"/data/..\"]}"),
            "a path must not contain a .. segment"));
  }

  static Stream<Arguments> acceptedSchedules() {
    return Stream.of(
            "*/15 2-4 1,15 JAN-MAR mon-fri",
            "0 0 * * 0",
            "59 23 31 12 6",
            "0 3 ? * SUN",
            "5/10 * * * *",
            "0 0 1-7/2 * *",
            "@daily",
            "@hourly",
            "0  2  *  *  *",
            "00 02 * * *")
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("acceptedSchedules")
  void aScheduleTheCronJobControllerTakesIsAccepted(
      String schedule, ApiClient client, TestNamespace namespace) throws ApiException {
    JsonObject configuration =
        Examples.with(
            Examples.get("BackupConfiguration", "redis-nightly"),
            "spec.schedule",
            new com.google.gson.JsonPrimitive(schedule).toString());
    configuration =
        Examples.with(configuration, "spec.timeZone", "\"America/Argentina/Buenos_Aires\"");

    assertThat(Examples.createStrict(client, namespace.name(), configuration)).isNotNull();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badManifests")
  void isRefusedWithAMessageThatNamesTheProblem(
      String what,
      String kind,
      String name,
      UnaryOperator<JsonObject> change,
      String expectedMessage,
      ApiClient client,
      TestNamespace namespace) {
    JsonObject bad = change.apply(Examples.get(kind, name));

    ApiException refusal =
        catchThrowableOfType(
            ApiException.class, () -> Examples.createStrict(client, namespace.name(), bad));

    assertThat(refusal).as("%s should be refused", what).isNotNull();
    assertThat(refusal.getCode()).isIn(400, 422);
    assertThat(Examples.message(refusal)).contains(expectedMessage);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badManifests")
  void theUnchangedExampleIsAccepted(
      String what,
      String kind,
      String name,
      UnaryOperator<JsonObject> change,
      String expectedMessage,
      ApiClient client,
      TestNamespace namespace)
      throws ApiException {
    // Proves each refusal above is caused by the change, not by something else in the example.
    assertThat(Examples.createStrict(client, namespace.name(), Examples.get(kind, name)))
        .isNotNull();
  }
}
