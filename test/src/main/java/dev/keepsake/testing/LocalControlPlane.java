package dev.keepsake.testing;

import com.google.gson.JsonObject;
import dev.keepsake.api.Crds;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.ApiextensionsV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1CustomResourceDefinition;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesApi;
import io.kubernetes.client.util.generic.options.PatchOptions;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import okhttp3.Request;
import okhttp3.Response;

/**
 * A real Kubernetes control plane on loopback: etcd, kube-apiserver (client certificates, RBAC) and
 * kube-controller-manager (so CronJobs make Jobs and garbage collection follows owner references),
 * with the keepsake.dev CRDs installed. In the default mode there is no kubelet: pods are created
 * but nothing runs them (tests run their containers as local processes, {@link KubeletStandIn}).
 * {@link #startWithRealNode()} adds kube-scheduler and one real node ({@link LocalNode}): the API
 * server then listens on the node's address, authorizes with Node and RBAC and admits with
 * NodeRestriction.
 *
 * <p>Use it as a JUnit 5 extension ({@link LocalControlPlaneExtension}) or directly: {@code try
 * (var cp = LocalControlPlane.start()) { ... }}. Every process stops on {@link #close()}, on JVM
 * shutdown, and also when the JVM is killed outright.
 */
public final class LocalControlPlane implements AutoCloseable {
  public static final String ADMIN_USER = "keepsake-admin";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  static final String SERVICE_CIDR = "10.0.0.0/24";
  private static final String SERVICE_ACCOUNT_ISSUER =
      "https://kubernetes.default.svc.cluster.local";

  private final Path workDir;
  private final List<SupervisedProcess> processes = new ArrayList<>();
  private ControlPlaneBinaries binaries;
  private List<String> apiserverArgs;
  private SupervisedProcess apiserver;
  private static final String WORK_DIR_PREFIX = "keepsake-control-plane-";
  private static final String OWNER_PID_FILE = "owner.pid";
  private final Thread shutdownHook = new Thread(this::close, "keepsake-control-plane-stop");
  private String serverUrl;
  private Path kubeconfig;
  private Certificates certificates;
  private ApiClient client;
  private ApiClient watchClient;
  private boolean closed;
  private final boolean realNode;
  private LocalNode node;

  private LocalControlPlane(Path workDir, boolean realNode) {
    this.workDir = workDir;
    this.realNode = realNode;
  }

  /** The control plane with the kubelet stand-in's fast mode: nothing runs pods. */
  public static LocalControlPlane start() {
    return start(false);
  }

  /** The control plane with kube-scheduler and one real node running pods (root only). */
  public static LocalControlPlane startWithRealNode() {
    return startWithRealNode(LocalNode.TEST_IMAGES);
  }

  /** The same with only these images built and imported into the node's containerd. */
  public static LocalControlPlane startWithRealNode(List<String> images) {
    String unavailable = LocalNode.unavailableBecause();
    if (unavailable != null) {
      throw new IllegalStateException("cannot start a real node: " + unavailable);
    }
    return start(images);
  }

  private static LocalControlPlane start(boolean realNode) {
    return start(realNode ? LocalNode.TEST_IMAGES : null);
  }

  /**
   * @param nodeImages the real node's images, or null for the kubelet stand-in
   */
  private static LocalControlPlane start(List<String> nodeImages) {
    boolean realNode = nodeImages != null;
    removeWorkDirsOfDeadJvms();
    Path workDir;
    try {
      workDir = createOwnedWorkDir();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    LocalControlPlane controlPlane = new LocalControlPlane(workDir, realNode);
    Runtime.getRuntime().addShutdownHook(controlPlane.shutdownHook);
    try {
      ControlPlaneBinaries binaries = ControlPlaneBinaries.locate();
      if (realNode) {
        controlPlane.node = LocalNode.prepare(workDir.resolve("node"), nodeImages);
      }
      controlPlane.boot(binaries);
      if (realNode) {
        controlPlane.node.start(controlPlane, binaries, controlPlane.certificates);
      }
      return controlPlane;
    } catch (RuntimeException | Error e) {
      controlPlane.close();
      throw e;
    }
  }

  /**
   * The folder is named only once it holds its owner's pid: another JVM starting a control plane at
   * the same moment (the suite runs in two forks) must never take it for a dead JVM's.
   */
  private static Path createOwnedWorkDir() throws IOException {
    Path unnamed = Files.createTempDirectory("." + WORK_DIR_PREFIX);
    Files.writeString(
        unnamed.resolve(OWNER_PID_FILE), Long.toString(ProcessHandle.current().pid()));
    Path named = unnamed.resolveSibling(unnamed.getFileName().toString().substring(1));
    return Files.move(unnamed, named, StandardCopyOption.ATOMIC_MOVE);
  }

  /** A JVM killed outright cannot delete its work folder; the next start does it for it. */
  private static void removeWorkDirsOfDeadJvms() {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    try (Stream<Path> dirs = Files.list(tmp)) {
      dirs.filter(dir -> dir.getFileName().toString().startsWith(WORK_DIR_PREFIX))
          .filter(dir -> !ownerIsAlive(dir))
          .filter(dir -> !Files.isDirectory(dir.resolve("node")) || tearDownNodeLeftovers(dir))
          .forEach(LocalControlPlane::deleteRecursively);
    } catch (IOException | UncheckedIOException e) {
      System.err.println(
          "[control-plane] cannot look for stale work folders in " + tmp + ": " + e.getMessage());
    }
  }

  /**
   * A node's teardown acts on the whole machine (its address, bridge and firewall chains), so it
   * runs only in the real node's turn; while another JVM has a node, the folder waits for a later
   * start.
   */
  private static boolean tearDownNodeLeftovers(Path workDir) {
    return RealNodeTurn.ifFree(() -> LocalNode.tearDownLeftovers(workDir.resolve("node")));
  }

  private static boolean ownerIsAlive(Path workDir) {
    try {
      long pid = Long.parseLong(Files.readString(workDir.resolve(OWNER_PID_FILE)).trim());
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    } catch (IOException | NumberFormatException unknownOwner) {
      return false;
    }
  }

  /**
   * Every accepted or refused write, with what was written (level Request); reads, watches, deletes
   * and leases are left out. The credential scan reads it after the suite.
   */
  private static final String AUDIT_POLICY =
      """
      apiVersion: audit.k8s.io/v1
      kind: Policy
      omitStages: [RequestReceived]
      rules:
        - level: None
          verbs: [get, list, watch, delete, deletecollection]
        - level: None
          resources: [{group: coordination.k8s.io, resources: [leases]}]
        - level: Request
          verbs: [create, update, patch]
      """;

  private void boot(ControlPlaneBinaries binaries) {
    this.binaries = binaries;
    Instant started = Instant.now();
    Path pki = mkdirs(workDir.resolve("pki"));
    certificates = Certificates.newAuthority(pki, "keepsake-local-ca");
    Certificates.Issued serving =
        certificates.server(
            pki,
            "kube-apiserver",
            List.of(
                "localhost",
                "kubernetes",
                "kubernetes.default",
                "kubernetes.default.svc",
                "kubernetes.default.svc.cluster.local"),
            realNode
                ? List.of("127.0.0.1", "10.0.0.1", LocalNode.NODE_IP)
                : List.of("127.0.0.1", "10.0.0.1"));
    Certificates.Issued admin = certificates.client(pki, "admin", ADMIN_USER, "system:masters");
    Certificates.Issued controllerManager =
        certificates.client(pki, "kube-controller-manager", "system:kube-controller-manager", null);
    KeyPair serviceAccountKeys = Certificates.rsaKeyPair();
    Path serviceAccountKey =
        write(
            pki.resolve("service-account.key"), Certificates.pem(serviceAccountKeys.getPrivate()));
    Path serviceAccountPub =
        write(pki.resolve("service-account.pub"), Certificates.pem(serviceAccountKeys.getPublic()));

    int etcdPort = Ports.free();
    int etcdPeerPort = Ports.free();
    int apiserverPort = Ports.free();
    // Pods reach the API server through the kubernetes Service, whose endpoint is this address.
    String address = realNode ? LocalNode.NODE_IP : "127.0.0.1";
    serverUrl = "https://" + address + ":" + apiserverPort;

    String etcdUrl = "http://127.0.0.1:" + etcdPort;
    String etcdPeerUrl = "http://127.0.0.1:" + etcdPeerPort;
    SupervisedProcess etcd =
        launch(
            "etcd",
            binaries.etcd(),
            List.of(
                "--name=keepsake",
                "--data-dir=" + mkdirs(workDir.resolve("etcd")),
                "--listen-client-urls=" + etcdUrl,
                "--advertise-client-urls=" + etcdUrl,
                "--listen-peer-urls=" + etcdPeerUrl,
                "--initial-advertise-peer-urls=" + etcdPeerUrl,
                "--initial-cluster=keepsake=" + etcdPeerUrl,
                // Test data need not survive a power cut; fsync dominates etcd latency on small
                // disks.
                "--unsafe-no-fsync=true",
                "--log-level=warn"));
    awaitUp(etcd, "etcd health", () -> httpOk(etcdUrl + "/health"));

    List<String> apiserverArgs =
        new ArrayList<>(
            List.of(
                "--etcd-servers=" + etcdUrl,
                "--bind-address=" + address,
                "--advertise-address=" + address,
                "--secure-port=" + apiserverPort,
                "--cert-dir=" + mkdirs(workDir.resolve("apiserver")),
                "--tls-cert-file=" + serving.certFile(),
                "--tls-private-key-file=" + serving.keyFile(),
                "--client-ca-file=" + certificates.authority().certFile(),
                "--service-account-issuer=" + SERVICE_ACCOUNT_ISSUER,
                "--service-account-key-file=" + serviceAccountPub,
                "--service-account-signing-key-file=" + serviceAccountKey,
                "--service-cluster-ip-range=" + SERVICE_CIDR,
                "--allow-privileged=true",
                "--enable-priority-and-fairness=false",
                // Off unless a benchmark asks: KEEPSAKE_APISERVER_PROFILING=true serves
                // /debug/pprof to the admin client.
                "--profiling=" + "true".equals(System.getenv("KEEPSAKE_APISERVER_PROFILING")),
                "--shutdown-delay-duration=0s",
                "--v=1"));
    if (realNode) {
      Certificates.Issued kubeletClient =
          certificates.client(
              pki, "apiserver-kubelet-client", "kube-apiserver-kubelet-client", "system:masters");
      apiserverArgs.addAll(
          List.of(
              "--authorization-mode=Node,RBAC",
              "--enable-admission-plugins=NodeRestriction",
              "--kubelet-client-certificate=" + kubeletClient.certFile(),
              "--kubelet-client-key=" + kubeletClient.keyFile(),
              "--kubelet-certificate-authority=" + certificates.authority().certFile(),
              "--kubelet-preferred-address-types=InternalIP"));
    } else {
      apiserverArgs.addAll(List.of("--authorization-mode=RBAC", "--endpoint-reconciler-type=none"));
    }
    Evidence.newFile("audit", ".log")
        .ifPresent(
            log ->
                apiserverArgs.addAll(
                    List.of(
                        "--audit-policy-file="
                            + write(workDir.resolve("audit-policy.yaml"), AUDIT_POLICY),
                        "--audit-log-path=" + log,
                        "--audit-log-maxsize=0")));
    this.apiserverArgs = List.copyOf(apiserverArgs);
    apiserver = launch("kube-apiserver", binaries.kubeApiserver(), apiserverArgs);
    kubeconfig = write(workDir.resolve("kubeconfig"), kubeconfigYaml(admin, ADMIN_USER));
    client = newClient(Duration.ofSeconds(30));
    watchClient = newClient(Duration.ZERO);
    awaitUp(apiserver, "kube-apiserver /readyz", () -> apiGetOk("/readyz"));

    Path controllerManagerKubeconfig =
        write(
            workDir.resolve("kube-controller-manager.kubeconfig"),
            kubeconfigYaml(controllerManager, "system:kube-controller-manager"));
    SupervisedProcess manager =
        launch(
            "kube-controller-manager",
            binaries.kubeControllerManager(),
            List.of(
                "--kubeconfig=" + controllerManagerKubeconfig,
                "--authentication-kubeconfig=" + controllerManagerKubeconfig,
                "--authorization-kubeconfig=" + controllerManagerKubeconfig,
                "--bind-address=127.0.0.1",
                "--secure-port=" + Ports.free(),
                "--cert-dir=" + mkdirs(workDir.resolve("controller-manager")),
                "--leader-elect=false",
                "--controllers=*",
                "--use-service-account-credentials=true",
                "--service-account-private-key-file=" + serviceAccountKey,
                "--root-ca-file=" + certificates.authority().certFile(),
                "--cluster-signing-cert-file=" + certificates.authority().certFile(),
                "--cluster-signing-key-file=" + certificates.authority().keyFile(),
                "--service-cluster-ip-range=" + SERVICE_CIDR,
                "--v=1"));
    // The default ServiceAccount appears only once the controller-manager's controllers run.
    awaitUp(
        manager,
        "kube-controller-manager (default ServiceAccount)",
        this::defaultServiceAccountExists);
    if (realNode) {
      Certificates.Issued scheduler =
          certificates.client(pki, "kube-scheduler", "system:kube-scheduler", null);
      Path schedulerKubeconfig =
          write(
              workDir.resolve("kube-scheduler.kubeconfig"),
              kubeconfigYaml(scheduler, "system:kube-scheduler"));
      launch(
          "kube-scheduler",
          binaries.kubeScheduler(),
          List.of(
              "--kubeconfig=" + schedulerKubeconfig,
              "--authentication-kubeconfig=" + schedulerKubeconfig,
              "--authorization-kubeconfig=" + schedulerKubeconfig,
              "--bind-address=127.0.0.1",
              "--secure-port=" + Ports.free(),
              "--leader-elect=false",
              "--v=1"));
    }

    installCrds();
    System.err.printf(
        Locale.ROOT,
        "[control-plane] up at %s in %.1f s (kubeconfig %s)%n",
        serverUrl,
        Duration.between(started, Instant.now()).toMillis() / 1000.0,
        kubeconfig);
  }

  /** Server-side applies every keepsake.dev CRD and waits until the API server serves them. */
  public void installCrds() {
    applyCrds(client);
    ApiextensionsV1Api extensions = new ApiextensionsV1Api(client);
    for (JsonObject crd : Crds.all()) {
      String name = crd.getAsJsonObject("metadata").get("name").getAsString();
      await(
          "CRD " + name + " established",
          Duration.ofSeconds(30),
          () -> isEstablished(extensions, name));
      // Established comes before the storage of a new resource is ready to list ("storage is
      // (re)initializing", 429); clients that start right away would only see errors.
      String plural = name.substring(0, name.indexOf('.'));
      await(
          "CRD " + name + " listable",
          Duration.ofSeconds(30),
          () -> apiGetOk("/apis/keepsake.dev/v1alpha1/" + plural + "?limit=1"));
    }
  }

  /**
   * Server-side applies the keepsake.dev CRDs to any cluster (they still need a moment to be
   * Established).
   */
  public static void applyCrds(ApiClient client) {
    DynamicKubernetesApi crds =
        new DynamicKubernetesApi("apiextensions.k8s.io", "v1", "customresourcedefinitions", client);
    PatchOptions apply = new PatchOptions();
    apply.setFieldManager("keepsake-test");
    apply.setForce(true);
    for (JsonObject crd : Crds.all()) {
      String name = crd.getAsJsonObject("metadata").get("name").getAsString();
      var response =
          crds.patch(name, V1Patch.PATCH_FORMAT_APPLY_YAML, new V1Patch(crd.toString()), apply);
      if (!response.isSuccess()) {
        throw new IllegalStateException(
            "cannot install CRD " + name + ": " + response.getStatus().getMessage());
      }
    }
  }

  /** Admin client with finite timeouts, for ordinary calls. */
  public ApiClient client() {
    return client;
  }

  /** Admin client without a read timeout, for informers and watches. */
  public ApiClient watchClient() {
    return watchClient;
  }

  /** A kubeconfig file for the cluster admin ({@code kubectl --kubeconfig ...}). */
  public Path kubeconfig() {
    return kubeconfig;
  }

  public String serverUrl() {
    return serverUrl;
  }

  public Path workDir() {
    return workDir;
  }

  /** The real node, or null in the stand-in mode. */
  public LocalNode node() {
    return node;
  }

  /**
   * PEM of the cluster's certificate authority (what pods find in their service-account volume).
   */
  public String certificateAuthorityPem() {
    return certificates.authority().certificatePem();
  }

  /** A kubeconfig for a client certificate of another user, for RBAC tests. */
  public Path kubeconfigFor(String user, String group) {
    Path pki = workDir.resolve("pki");
    String file = "user-" + user.replaceAll("[^A-Za-z0-9-]", "-");
    Certificates.Issued issued = certificates.client(pki, file, user, group);
    return write(workDir.resolve(file + ".kubeconfig"), kubeconfigYaml(issued, user));
  }

  public ApiClient clientFor(Path kubeconfigFile) {
    return clientFor(kubeconfigFile, Duration.ofSeconds(30));
  }

  /** A client for watches: informers need a read timeout of zero. */
  public ApiClient watchClientFor(Path kubeconfigFile) {
    return clientFor(kubeconfigFile, Duration.ZERO);
  }

  private static ApiClient clientFor(Path kubeconfigFile, Duration readTimeout) {
    try {
      return ClientBuilder.kubeconfig(
              KubeConfig.loadKubeConfig(Files.newBufferedReader(kubeconfigFile)))
          .setReadTimeout(readTimeout)
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Creates a namespace with a unique name that starts with {@code prefix}. */
  public String createNamespace(String prefix) {
    String base =
        prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+|-+$", "");
    base =
        base.isEmpty()
            ? "test"
            : base.substring(0, Math.min(base.length(), 50)).replaceAll("-+$", "");
    String suffix =
        Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36), 36);
    return createNamespaceNamed(base + "-" + suffix);
  }

  /** Creates the namespace {@code name}; an existing one is fine. */
  public String createNamespaceNamed(String name) {
    try {
      new CoreV1Api(client)
          .createNamespace(new V1Namespace().metadata(new V1ObjectMeta().name(name)))
          .execute();
    } catch (ApiException e) {
      if (e.getCode() != 409) {
        throw new IllegalStateException(
            "cannot create namespace " + name + ": " + e.getResponseBody(), e);
      }
    }
    return name;
  }

  public void deleteNamespace(String name) {
    try {
      new CoreV1Api(client).deleteNamespace(name).execute();
    } catch (ApiException e) {
      if (e.getCode() != 404) {
        throw new IllegalStateException(
            "cannot delete namespace " + name + ": " + e.getResponseBody(), e);
      }
    }
  }

  public boolean isRunning() {
    return !closed && processes.stream().allMatch(SupervisedProcess::isAlive);
  }

  /** Stops kube-apiserver, leaving etcd and the rest running: what an outage of the API does. */
  public synchronized void stopApiServer() {
    apiserver.close();
    processes.remove(apiserver);
  }

  /** Starts kube-apiserver again, as it was, and waits until it is ready. */
  public synchronized void startApiServer() {
    apiserver = launch("kube-apiserver", binaries.kubeApiserver(), apiserverArgs);
    awaitUp(apiserver, "kube-apiserver /readyz", () -> apiGetOk("/readyz"));
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (node != null) {
      node.close();
    }
    stopProcesses();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // called from the hook itself, during shutdown
    }
    if (!Boolean.getBoolean("keepsake.controlPlane.keepWorkDir")) {
      deleteRecursively(workDir);
    }
  }

  private synchronized void stopProcesses() {
    // Reverse order: the controller-manager and API server go before the etcd they depend on.
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).close();
    }
    processes.clear();
  }

  private SupervisedProcess launch(String name, Path binary, List<String> args) {
    SupervisedProcess process =
        SupervisedProcess.start(name, binary, args, Map.of(), workDir.resolve(name + ".log"));
    processes.add(process);
    return process;
  }

  private void awaitUp(SupervisedProcess process, String what, BooleanSupplier ready) {
    await(
        what,
        START_TIMEOUT,
        () -> {
          if (!process.isAlive()) {
            throw new IllegalStateException(
                process.name()
                    + " exited while starting; last lines of "
                    + process.logFile()
                    + ":\n"
                    + process.logTail(30));
          }
          return ready.getAsBoolean();
        });
  }

  private static void await(String what, Duration timeout, BooleanSupplier condition) {
    Instant deadline = Instant.now().plus(timeout);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(
            "timed out after " + timeout.toSeconds() + " s waiting for " + what);
      }
      try {
        TimeUnit.MILLISECONDS.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + what, e);
      }
    }
  }

  private boolean apiGetOk(String path) {
    Request request = new Request.Builder().url(serverUrl + path).get().build();
    try (Response response = client.getHttpClient().newCall(request).execute()) {
      return response.code() == 200;
    } catch (IOException notYet) {
      return false;
    }
  }

  private boolean defaultServiceAccountExists() {
    try {
      new CoreV1Api(client).readNamespacedServiceAccount("default", "default").execute();
      return true;
    } catch (ApiException notYet) {
      return false;
    }
  }

  private static boolean isEstablished(ApiextensionsV1Api extensions, String name) {
    try {
      V1CustomResourceDefinition crd = extensions.readCustomResourceDefinition(name).execute();
      return crd.getStatus() != null
          && crd.getStatus().getConditions() != null
          && crd.getStatus().getConditions().stream()
              .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
    } catch (ApiException notYet) {
      return false;
    }
  }

  static boolean httpOk(String url) {
    try {
      HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
      connection.setConnectTimeout(500);
      connection.setReadTimeout(1000);
      try {
        return connection.getResponseCode() == 200;
      } finally {
        connection.disconnect();
      }
    } catch (IOException notYet) {
      return false;
    }
  }

  private ApiClient newClient(Duration readTimeout) {
    try {
      KubeConfig config = KubeConfig.loadKubeConfig(new StringReader(Files.readString(kubeconfig)));
      return ClientBuilder.kubeconfig(config).setReadTimeout(readTimeout).build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String kubeconfigYaml(Certificates.Issued user, String userName) {
    Base64.Encoder base64 = Base64.getEncoder();
    return """
        apiVersion: v1
        kind: Config
        clusters:
          - name: keepsake-local
            cluster:
              server: %s
              certificate-authority-data: %s
        users:
          - name: %s
            user:
              client-certificate-data: %s
              client-key-data: %s
        contexts:
          - name: keepsake-local
            context:
              cluster: keepsake-local
              user: %s
              namespace: default
        current-context: keepsake-local
        """
        .formatted(
            serverUrl,
            base64.encodeToString(
                certificates.authority().certificatePem().getBytes(StandardCharsets.UTF_8)),
            userName,
            base64.encodeToString(user.certificatePem().getBytes(StandardCharsets.UTF_8)),
            base64.encodeToString(user.privateKeyPem().getBytes(StandardCharsets.UTF_8)),
            userName);
  }

  static Path mkdirs(Path dir) {
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path write(Path file, String content) {
    try {
      return Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The folder first leaves the name other JVMs look for, at once: half deleted, it would read as a
   * dead JVM's, and two JVMs would walk it together.
   */
  private static void deleteRecursively(Path dir) {
    Path leaving = dir.resolveSibling("." + dir.getFileName() + "-deleted");
    try {
      Files.move(dir, leaving, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException goneOrTaken) {
      return;
    }
    try (Stream<Path> paths = Files.walk(leaving)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      System.err.println("[control-plane] could not remove " + leaving + ": " + e.getMessage());
    }
  }
}
