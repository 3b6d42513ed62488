package dev.keepsake.testing;

import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.CoreV1EndpointPort;
import io.kubernetes.client.openapi.models.V1EndpointAddress;
import io.kubernetes.client.openapi.models.V1EndpointSubset;
import io.kubernetes.client.openapi.models.V1Endpoints;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1ServiceSpec;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesApi;
import io.kubernetes.client.util.generic.dynamic.Dynamics;
import io.kubernetes.client.util.generic.options.CreateOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Database servers as pods on the real node, from the project's own server images, each behind a
 * Service named after it and run the way a cluster runs them: as user 65532 on a read-only root
 * file system with every capability dropped, the password from a Secret, data on an emptyDir.
 */
public final class ClusterPods {
  private static final Duration START_TIMEOUT = Duration.ofMinutes(2);

  private ClusterPods() {}

  /** Redis on port 6379 with DEBUG allowed (the tests compare DEBUG DIGEST-VALUE). */
  public static RedisServer redis(ApiClient client, String namespace, String password)
      throws ApiException {
    secret(client, namespace, "redis-server", Map.of("password", password));
    String ip =
        start(
            client,
            namespace,
            "redis",
            6379,
            """
        image: keepsake-test/redis-server:@VERSION@
        env:
          - name: REDIS_PASSWORD
            valueFrom: {secretKeyRef: {name: redis-server, key: password}}
        command: [sh, -c, 'exec redis-server --port 6379 --requirepass "$REDIS_PASSWORD" --dir /data --save "" --appendonly no --protected-mode no --enable-debug-command yes']
        """,
            "/data");
    RedisServer redis = RedisServer.at(ip, 6379, password);
    awaitAnswer("Redis", () -> redis.cli("PING").trim().equals("PONG"));
    return redis;
  }

  /** PostgreSQL 15 on port 5432, initialised at start with {@code user} as its superuser. */
  public static PostgresServer postgres(
      ApiClient client, String namespace, String user, String password) throws ApiException {
    secret(client, namespace, "postgres-server", Map.of("password", password));
    String ip =
        start(
            client,
            namespace,
            "postgres",
            5432,
            """
        image: keepsake-test/postgres-server:@VERSION@
        env:
          - {name: POSTGRES_USER, value: "@USER@"}
          - name: POSTGRES_PASSWORD
            valueFrom: {secretKeyRef: {name: postgres-server, key: password}}
        command:
          - sh
          - -c
          - |
            set -e
            bin=/usr/lib/postgresql/15/bin
            printf '%s\\n' "$POSTGRES_PASSWORD" > /tmp/password
            $bin/initdb -D /data/pg -U "$POSTGRES_USER" --pwfile=/tmp/password -A scram-sha-256 --no-sync -E UTF8 --locale=C.UTF-8 > /tmp/initdb.log
            rm /tmp/password
            echo 'host all all 0.0.0.0/0 scram-sha-256' >> /data/pg/pg_hba.conf
            exec $bin/postgres -D /data/pg -k /tmp -c listen_addresses='*' -c fsync=off
        """
                .replace("@USER@", user),
            "/data",
            "/tmp",
            "/run/postgresql");
    PostgresServer postgres = PostgresServer.at(ip, 5432, user, password);
    awaitAnswer("PostgreSQL", postgres::ready);
    return postgres;
  }

  /**
   * MariaDB on port 3306 with {@code user} an administrator who logs in by password from anywhere.
   */
  public static MariadbServer mariadb(
      ApiClient client, String namespace, String user, String password) throws ApiException {
    secret(client, namespace, "mariadb-server", Map.of("password", password));
    String ip =
        start(
            client,
            namespace,
            "mariadb",
            3306,
            """
        image: keepsake-test/mariadb-server:@VERSION@
        env:
          - {name: MARIADB_USER, value: "@USER@"}
          - name: MARIADB_PASSWORD
            valueFrom: {secretKeyRef: {name: mariadb-server, key: password}}
        command:
          - sh
          - -c
          - |
            set -e
            mariadb-install-db --no-defaults --datadir=/data/db --auth-root-authentication-method=normal --skip-test-db \\
              --skip-name-resolve > /tmp/install.log 2>&1 || { cat /tmp/install.log; exit 1; }
            printf "CREATE USER '%s'@'%%' IDENTIFIED BY '%s';\\nGRANT ALL ON *.* TO '%s'@'%%' WITH GRANT OPTION;\\n" \\
              "$MARIADB_USER" "$MARIADB_PASSWORD" "$MARIADB_USER" > /tmp/init.sql
            exec mariadbd --no-defaults --datadir=/data/db --port=3306 --bind-address=0.0.0.0 --socket=/tmp/mariadb.sock \\
              --pid-file=/tmp/mariadb.pid --skip-name-resolve --init-file=/tmp/init.sql --innodb-buffer-pool-size=128M \\
              --innodb-flush-log-at-trx-commit=0 --event-scheduler=OFF
        """
                .replace("@USER@", user),
            "/data",
            "/tmp");
    MariadbServer mariadb = MariadbServer.at(ip, 3306, user, password);
    awaitAnswer("MariaDB", () -> !mariadb.sql("SELECT 1").isBlank());
    return mariadb;
  }

  /**
   * Creates a pod from YAML, the way a user writes it: the client's V1Pod model would send fields
   * of its own (an empty overhead map) that the API server refuses.
   */
  public static void createPod(ApiClient client, String namespace, String yaml)
      throws ApiException {
    new DynamicKubernetesApi("", "v1", "pods", client)
        .create(namespace, Dynamics.newFromYaml(yaml), new CreateOptions())
        .throwsApiException();
  }

  /** Until the pod runs; returns its address. */
  public static String awaitRunning(ApiClient client, String namespace, String name)
      throws ApiException {
    CoreV1Api core = new CoreV1Api(client);
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    V1Pod pod = core.readNamespacedPod(name, namespace).execute();
    while (pod.getStatus() == null
        || !"Running".equals(pod.getStatus().getPhase())
        || pod.getStatus().getPodIP() == null) {
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(
            "pod "
                + namespace
                + "/"
                + name
                + " is not running after "
                + START_TIMEOUT.toSeconds()
                + " s: "
                + io.kubernetes.client.openapi.JSON.serialize(pod.getStatus()));
      }
      pause();
      pod = core.readNamespacedPod(name, namespace).execute();
    }
    return pod.getStatus().getPodIP();
  }

  /** A Service whose endpoint is a server on the node's address, outside any pod. */
  public static void serviceOutsideTheCluster(
      ApiClient client, String namespace, String name, int port) throws ApiException {
    CoreV1Api core = new CoreV1Api(client);
    core.createNamespacedService(
            namespace,
            new V1Service()
                .metadata(new V1ObjectMeta().name(name))
                .spec(
                    new V1ServiceSpec()
                        .ports(
                            List.of(
                                new V1ServicePort().port(port).targetPort(new IntOrString(port))))))
        .execute();
    core.createNamespacedEndpoints(
            namespace,
            new V1Endpoints()
                .metadata(new V1ObjectMeta().name(name))
                .subsets(
                    List.of(
                        new V1EndpointSubset()
                            .addresses(List.of(new V1EndpointAddress().ip(LocalNode.NODE_IP)))
                            .ports(List.of(new CoreV1EndpointPort().port(port))))))
        .execute();
  }

  public static void secret(
      ApiClient client, String namespace, String name, Map<String, String> data)
      throws ApiException {
    new CoreV1Api(client)
        .createNamespacedSecret(
            namespace, new V1Secret().metadata(new V1ObjectMeta().name(name)).stringData(data))
        .execute();
  }

  /**
   * A server pod and its Service; {@code container} is the YAML of the container's image, env and
   * command, {@code writable} the folders it writes (each an emptyDir).
   */
  private static String start(
      ApiClient client,
      String namespace,
      String name,
      int port,
      String container,
      String... writable)
      throws ApiException {
    StringBuilder mounts = new StringBuilder();
    StringBuilder volumes = new StringBuilder();
    for (int i = 0; i < writable.length; i++) {
      mounts
          .append("      - {name: rw")
          .append(i)
          .append(", mountPath: ")
          .append(writable[i])
          .append("}\n");
      volumes.append("  - {name: rw").append(i).append(", emptyDir: {}}\n");
    }
    String indented =
        container.lines().map(line -> "    " + line).reduce("", (a, b) -> a + b + "\n");
    createPod(
        client,
        namespace,
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: @NAME@, labels: {app: @NAME@}}
        spec:
          securityContext: {runAsUser: 65532, runAsGroup: 65532, runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
          containers:
          - name: @NAME@
            imagePullPolicy: Never
            ports: [{containerPort: @PORT@}]
            resources: {limits: {memory: 1Gi}}
            securityContext: {readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
        @CONTAINER@    volumeMounts:
        @MOUNTS@  volumes:
        @VOLUMES@"""
            .replace("@CONTAINER@", indented)
            .replace("@MOUNTS@", mounts)
            .replace("@VOLUMES@", volumes)
            .replace("@NAME@", name)
            .replace("@PORT@", Integer.toString(port))
            .replace("@VERSION@", Project.version()));
    new CoreV1Api(client)
        .createNamespacedService(
            namespace,
            new V1Service()
                .metadata(new V1ObjectMeta().name(name))
                .spec(
                    new V1ServiceSpec()
                        .selector(Map.of("app", name))
                        .ports(
                            List.of(
                                new V1ServicePort().port(port).targetPort(new IntOrString(port))))))
        .execute();
    return awaitRunning(client, namespace, name);
  }

  private static void awaitAnswer(String what, java.util.function.BooleanSupplier answers) {
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    RuntimeException last = null;
    while (Instant.now().isBefore(deadline)) {
      try {
        if (answers.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException notYet) {
        last = notYet;
      }
      pause();
    }
    throw new IllegalStateException(
        what + " in its pod does not answer after " + START_TIMEOUT.toSeconds() + " s", last);
  }

  private static void pause() {
    try {
      Thread.sleep(500);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
