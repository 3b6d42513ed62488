package dev.keepsake.testing;

import com.google.gson.JsonObject;
import dev.keepsake.api.ApiKind;
import dev.keepsake.api.BackupSession;
import dev.keepsake.api.Manifests;
import dev.keepsake.api.RestoreSession;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.CustomObjectsApi;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Secret;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Redis backup set up the way a user would: Secrets, a Repository, an AppBinding to a Redis on
 * loopback, the Redis catalog addon, a BackupConfiguration; then sessions and restores. Shared by
 * the end-to-end tests and the local demo.
 */
public final class RedisScenario {
  public static final String CONFIGURATION = "redis-backup";
  public static final String REPOSITORY = "backups";
  public static final String REPOSITORY_SECRET = "repository-credentials";

  private final ApiClient client;
  private final String namespace;

  public RedisScenario(ApiClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  public String namespace() {
    return namespace;
  }

  /** Creates every document of a YAML text, keepsake.dev objects with strict field validation. */
  public void apply(String yaml) throws ApiException {
    for (JsonObject document : Manifests.read(new StringReader(yaml))) {
      create(document);
    }
  }

  private void create(JsonObject document) throws ApiException {
    ApiKind<?, ?> kind = ApiKind.byKind(document.get("kind").getAsString());
    new CustomObjectsApi(client)
        .createNamespacedCustomObject(
            "keepsake.dev", "v1alpha1", namespace, kind.plural(), document)
        .fieldValidation("Strict")
        .execute();
  }

  public static String localRepository(Path folder) {
    return """
        apiVersion: keepsake.dev/v1alpha1
        kind: Repository
        metadata: {name: %s}
        spec:
          backend:
            local:
              mountPath: /repository
              hostPath: {path: "%s"}
          secret: {name: %s}
        """
        .formatted(REPOSITORY, folder, REPOSITORY_SECRET);
  }

  public static String s3Repository(String endpoint, String bucket) {
    return """
        apiVersion: keepsake.dev/v1alpha1
        kind: Repository
        metadata: {name: %s}
        spec:
          backend:
            s3: {endpoint: "%s", bucket: "%s", prefix: redis, forcePathStyle: true}
          secret: {name: %s}
        """
        .formatted(REPOSITORY, endpoint, bucket, REPOSITORY_SECRET);
  }

  /**
   * The Secrets, the Repository, an AppBinding to the Redis and the catalog's Redis Functions and
   * Tasks.
   */
  public void setUp(
      RedisServer redis, String repositoryYaml, Map<String, String> repositoryCredentials)
      throws ApiException {
    setUp(
        "redis://" + redis.host() + ":" + redis.port(),
        redis.password(),
        repositoryYaml,
        repositoryCredentials);
  }

  /** The same for a Redis at any URL, such as a Service's (redis://redis.shop.svc:6379). */
  public void setUp(
      String redisUrl,
      String redisPassword,
      String repositoryYaml,
      Map<String, String> repositoryCredentials)
      throws ApiException {
    CoreV1Api core = new CoreV1Api(client);
    core.createNamespacedSecret(
            namespace,
            new V1Secret()
                .metadata(new V1ObjectMeta().name("redis-auth"))
                .stringData(Map.of("password", redisPassword)))
        .execute();
    core.createNamespacedSecret(
            namespace,
            new V1Secret()
                .metadata(new V1ObjectMeta().name(REPOSITORY_SECRET))
                .stringData(new LinkedHashMap<>(repositoryCredentials)))
        .execute();
    apply(repositoryYaml);
    apply(
        """
        apiVersion: keepsake.dev/v1alpha1
        kind: AppBinding
        metadata: {name: redis}
        spec:
          type: redis
          version: "7.0"
          clientConfig: {url: "%s"}
          secret: {name: redis-auth}
        """
            .formatted(redisUrl));
    for (JsonObject document : Manifests.read(Project.root().resolve("catalog/redis/addon.yaml"))) {
      create(document);
    }
  }

  /** Creates the BackupConfiguration, or changes its schedule and pause when it exists. */
  public void configure(String schedule, boolean paused) throws ApiException {
    var configurations = ApiKind.BACKUP_CONFIGURATION.api(client);
    if (configurations.get(namespace, CONFIGURATION).getObject() != null) {
      configurations
          .patch(
              namespace,
              CONFIGURATION,
              V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
              new V1Patch(
                  "{\"spec\":{\"schedule\":\"" + schedule + "\",\"paused\":" + paused + "}}"))
          .throwsApiException();
      return;
    }
    apply(
        """
        apiVersion: keepsake.dev/v1alpha1
        kind: BackupConfiguration
        metadata: {name: %s}
        spec:
          schedule: "%s"
          paused: %s
          repository: {name: %s}
          target:
            ref: {apiGroup: keepsake.dev, kind: AppBinding, name: redis}
          task: {name: redis-backup-7}
          retentionPolicy: {name: last-five, keepLast: 5, prune: true}
          timeout: 10m
        """
            .formatted(CONFIGURATION, schedule, paused, REPOSITORY));
  }

  /**
   * Creates the BackupConfiguration on a daily schedule with {@code hooksYaml} as its spec.hooks
   * (YAML flow style).
   */
  public void configureWithHooks(String hooksYaml) throws ApiException {
    apply(
        """
        apiVersion: keepsake.dev/v1alpha1
        kind: BackupConfiguration
        metadata: {name: %s}
        spec:
          schedule: "@daily"
          repository: {name: %s}
          target:
            ref: {apiGroup: keepsake.dev, kind: AppBinding, name: redis}
          task: {name: redis-backup-7}
          retentionPolicy: {name: last-five, keepLast: 5, prune: true}
          timeout: 10m
          hooks: %s
        """
            .formatted(CONFIGURATION, REPOSITORY, hooksYaml));
  }

  /** A manual BackupSession, and the session once it finished (within two minutes). */
  public BackupSession backUpAndWait(String session) throws ApiException {
    backUpNow(session);
    java.time.Instant deadline = java.time.Instant.now().plus(java.time.Duration.ofMinutes(2));
    while (true) {
      BackupSession seen =
          ApiKind.BACKUP_SESSION
              .api(client)
              .get(namespace, session)
              .throwsApiException()
              .getObject();
      if (seen.getStatus() != null
          && seen.getStatus().getPhase() != null
          && seen.getStatus().getPhase().isFinished()) {
        return seen;
      }
      if (java.time.Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(
            "BackupSession " + namespace + "/" + session + " did not finish within 2 minutes");
      }
      Ports.pause();
    }
  }

  public BackupSession backUpNow(String session) throws ApiException {
    apply(
        """
        apiVersion: keepsake.dev/v1alpha1
        kind: BackupSession
        metadata: {name: %s}
        spec:
          invoker: {apiGroup: keepsake.dev, kind: BackupConfiguration, name: %s}
          trigger: Manual
        """
            .formatted(session, CONFIGURATION));
    return ApiKind.BACKUP_SESSION
        .api(client)
        .get(namespace, session)
        .throwsApiException()
        .getObject();
  }

  public RestoreSession restoreLatest(String session) throws ApiException {
    return restoreLatest(session, "{}");
  }

  /**
   * A restore of the newest snapshot with {@code hooksYaml} as its spec.hooks (YAML flow style).
   */
  public RestoreSession restoreLatest(String session, String hooksYaml) throws ApiException {
    apply(
        """
        apiVersion: keepsake.dev/v1alpha1
        kind: RestoreSession
        metadata: {name: %s}
        spec:
          repository: {name: %s}
          snapshot: latest
          target:
            ref: {apiGroup: keepsake.dev, kind: AppBinding, name: redis}
          task: {name: redis-restore-7}
          hooks: %s
        """
            .formatted(session, REPOSITORY, hooksYaml));
    return ApiKind.RESTORE_SESSION
        .api(client)
        .get(namespace, session)
        .throwsApiException()
        .getObject();
  }
}
