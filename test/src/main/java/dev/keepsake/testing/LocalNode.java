package dev.keepsake.testing;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.RbacAuthorizationV1Api;
import io.kubernetes.client.openapi.models.RbacV1Subject;
import io.kubernetes.client.openapi.models.V1ClusterRole;
import io.kubernetes.client.openapi.models.V1ClusterRoleBinding;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PolicyRule;
import io.kubernetes.client.openapi.models.V1RoleRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One real Kubernetes node on this machine: containerd with runc and the CNI bridge, a kubelet with
 * certificates signed by the control plane's CA, kube-proxy and CoreDNS, running Keepsake's own
 * images (built by {@code test/scripts/build-images.sh} and imported into containerd).
 *
 * <p>Addresses stay on the machine: the node's address is a /32 on {@code lo}, pods have routes to
 * the node and the service range only, CoreDNS answers only for the cluster's zones, and {@code
 * test/scripts/local-node.sh} drops forwarding between the pod bridge and any other interface. That
 * script also removes everything the node leaves behind, on {@link #close()} and, through a guard
 * process, after the owning JVM was killed.
 */
public final class LocalNode implements AutoCloseable {
  public static final String NODE_IP = "10.231.0.1";
  public static final String NODE_NAME = "keepsake-node";

  /** The name its teardown guard runs under, as the first word after its script. */
  static final String GUARD_NAME = "keepsake-node-guard";

  private static final Path OWNER_MARKER =
      Path.of(System.getProperty("java.io.tmpdir"), "keepsake-node.owner");
  public static final String POD_CIDR = "10.232.0.0/24";
  static final String CLUSTER_DOMAIN = "cluster.local";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  /**
   * What the real-node tests run: the operator, every addon's runner and the servers they back up.
   */
  public static final List<String> TEST_IMAGES =
      List.of(
          "keepsake/pause",
          "keepsake/operator",
          "keepsake/runner",
          "keepsake/redis-7",
          "keepsake/postgres-15",
          "keepsake/mariadb-10",
          "keepsake-test/redis-server",
          "keepsake-test/postgres-server",
          "keepsake-test/mariadb-server");

  /**
   * What the demo runs: the Redis addon and a Redis server (the operator runs in the demo's JVM).
   */
  public static final List<String> DEMO_IMAGES =
      List.of(
          "keepsake/pause", "keepsake/runner", "keepsake/redis-7", "keepsake-test/redis-server");

  private final Path stateDir;
  private final List<String> images;
  private final List<SupervisedProcess> processes = new ArrayList<>();
  private Process guard;
  private boolean closed;

  private LocalNode(Path stateDir, List<String> images) {
    this.stateDir = stateDir;
    this.images = images;
  }

  /** Whether this machine can run the real node: root, containerd, runc and the CNI plugins. */
  public static String unavailableBecause() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return "the real node needs root (containerd, network namespaces, iptables); running as "
          + System.getProperty("user.name");
    }
    for (String tool : List.of("containerd", "runc", "ctr", "iptables", "mmdebstrap")) {
      if (LocalTools.find(tool).isEmpty()) {
        return tool + " is not installed (bash test/scripts/install-prerequisites.sh installs it)";
      }
    }
    if (!Files.isExecutable(Path.of("/usr/lib/cni/bridge"))) {
      return "the CNI plugins are not installed in /usr/lib/cni (Debian package containernetworking-plugins)";
    }
    return null;
  }

  /** Claims the node's address and firewall before the API server binds to that address. */
  static LocalNode prepare(Path stateDir, List<String> images) {
    LocalNode node = new LocalNode(stateDir, images);
    removeLeftoversOfDeadOwners();
    node.script("up");
    node.startGuard();
    return node;
  }

  /** Starts containerd, imports the images, then the kubelet, kube-proxy and CoreDNS. */
  void start(
      LocalControlPlane controlPlane, ControlPlaneBinaries binaries, Certificates certificates) {
    Instant started = Instant.now();
    Path pki = LocalControlPlane.mkdirs(stateDir.resolve("pki"));
    copy(binaries.kubeProxy(), stateDir.resolve("kube-proxy"));
    startContainerd();
    importImages();

    Certificates.Issued serving =
        certificates.server(pki, "kubelet", List.of(NODE_NAME), List.of(NODE_IP));
    Path kubeletKubeconfig = controlPlane.kubeconfigFor("system:node:" + NODE_NAME, "system:nodes");
    Path resolvConf = LocalControlPlane.write(stateDir.resolve("resolv.conf"), "");
    Path kubeletConfig =
        LocalControlPlane.write(
            stateDir.resolve("kubelet-config.yaml"),
            """
            apiVersion: kubelet.config.k8s.io/v1beta1
            kind: KubeletConfiguration
            address: %1$s
            port: %2$d
            readOnlyPort: 0
            healthzBindAddress: %1$s
            healthzPort: %3$d
            authentication:
              anonymous: {enabled: false}
              webhook: {enabled: true}
              x509: {clientCAFile: %4$s}
            authorization: {mode: Webhook}
            tlsCertFile: %5$s
            tlsPrivateKeyFile: %6$s
            cgroupDriver: cgroupfs
            cgroupRoot: /keepsake-node
            failSwapOn: false
            failCgroupV1: false
            podLogsDir: %7$s
            resolvConf: %8$s
            clusterDNS: [%1$s]
            clusterDomain: %9$s
            containerRuntimeEndpoint: unix://%10$s
            serializeImagePulls: false
            imageGCHighThresholdPercent: 100
            imageGCLowThresholdPercent: 99
            evictionHard: {memory.available: "100Mi", nodefs.available: "1%%", imagefs.available: "1%%", nodefs.inodesFree: "1%%"}
            protectKernelDefaults: false
            localStorageCapacityIsolation: true
            """
                .formatted(
                    NODE_IP,
                    Ports.free(),
                    Ports.free(),
                    certificates.authority().certFile(),
                    serving.certFile(),
                    serving.keyFile(),
                    LocalControlPlane.mkdirs(stateDir.resolve("pod-logs")),
                    resolvConf,
                    CLUSTER_DOMAIN,
                    containerdSocket()));
    SupervisedProcess kubelet =
        launch(
            "kubelet",
            binaries.kubelet(),
            List.of(
                "--config=" + kubeletConfig,
                "--kubeconfig=" + kubeletKubeconfig,
                "--root-dir=" + LocalControlPlane.mkdirs(stateDir.resolve("kubelet")),
                "--hostname-override=" + NODE_NAME,
                "--node-ip=" + NODE_IP,
                "--v=1"));
    awaitUp(kubelet, "node " + NODE_NAME + " Ready", () -> nodeReady(controlPlane));

    Path proxyKubeconfig = controlPlane.kubeconfigFor("system:kube-proxy", null);
    int proxyHealthPort = Ports.free();
    SupervisedProcess proxy =
        launch(
            "kube-proxy",
            stateDir.resolve("kube-proxy"),
            List.of(
                "--kubeconfig=" + proxyKubeconfig,
                "--proxy-mode=iptables",
                "--hostname-override=" + NODE_NAME,
                "--cluster-cidr=" + POD_CIDR,
                "--bind-address=" + NODE_IP,
                "--healthz-bind-address=" + NODE_IP + ":" + proxyHealthPort,
                "--metrics-bind-address=" + NODE_IP + ":" + Ports.free(),
                "--conntrack-max-per-core=0",
                "--v=1"));
    // Healthy once it has written the rules for what it saw.
    awaitUp(
        proxy,
        "kube-proxy /healthz",
        () -> LocalControlPlane.httpOk("http://" + NODE_IP + ":" + proxyHealthPort + "/healthz"));

    allowCoreDnsToRead(controlPlane);
    Path dnsKubeconfig = controlPlane.kubeconfigFor("keepsake-coredns", null);
    int readyPort = Ports.free();
    Path corefile =
        LocalControlPlane.write(
            stateDir.resolve("Corefile"),
            """
            %1$s:53 in-addr.arpa:53 ip6.arpa:53 {
              bind %2$s
              errors
              health %2$s:%3$d
              ready %2$s:%4$d
              kubernetes %1$s in-addr.arpa ip6.arpa {
                kubeconfig %5$s keepsake-local
                pods insecure
              }
              cache 30
              loadbalance
            }
            """
                .formatted(CLUSTER_DOMAIN, NODE_IP, Ports.free(), readyPort, dnsKubeconfig));
    SupervisedProcess dns =
        launch("coredns", binaries.coredns(), List.of("-conf", corefile.toString()));
    awaitUp(
        dns,
        "CoreDNS ready",
        () -> LocalControlPlane.httpOk("http://" + NODE_IP + ":" + readyPort + "/ready"));
    System.err.printf(
        Locale.ROOT,
        "[node] %s up at %s in %.1f s (pods in %s, state in %s)%n",
        NODE_NAME,
        NODE_IP,
        Duration.between(started, Instant.now()).toMillis() / 1000.0,
        POD_CIDR,
        stateDir);
  }

  private void startContainerd() {
    Path config =
        LocalControlPlane.write(
            stateDir.resolve("containerd.toml"),
            """
            version = 2
            root = "%1$s/containerd/root"
            state = "%1$s/containerd/state"
            [grpc]
              address = "%2$s"
            [plugins."io.containerd.grpc.v1.cri"]
              sandbox_image = "docker.io/keepsake/pause:%3$s"
              # Root on these machines may not lower its own OOM score; without this no sandbox starts.
              restrict_oom_score_adj = true
              enable_selinux = false
              [plugins."io.containerd.grpc.v1.cri".containerd]
                snapshotter = "overlayfs"
                default_runtime_name = "runc"
                [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
                  runtime_type = "io.containerd.runc.v2"
                  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
                    SystemdCgroup = false
                    Root = "%1$s/runc"
              [plugins."io.containerd.grpc.v1.cri".cni]
                bin_dir = "/usr/lib/cni"
                conf_dir = "%1$s/cni"
              # Images come from the imported archives only: a pull of anything else goes to a closed
              # port on loopback and fails at once, instead of leaving the machine.
              [plugins."io.containerd.grpc.v1.cri".registry]
                config_path = "%1$s/registries"
            """
                .formatted(stateDir, containerdSocket(), Project.version()));
    LocalControlPlane.mkdirs(stateDir.resolve("cni"));
    for (String registry :
        List.of("docker.io", "registry-1.docker.io", "quay.io", "ghcr.io", "registry.k8s.io")) {
      LocalControlPlane.mkdirs(stateDir.resolve("registries").resolve(registry));
      LocalControlPlane.write(
          stateDir.resolve("registries").resolve(registry).resolve("hosts.toml"),
          "server = \"http://127.0.0.1:9\"\n\n[host.\"http://127.0.0.1:9\"]\n  capabilities = [\"pull\", \"resolve\"]\n");
    }
    LocalControlPlane.write(
        stateDir.resolve("cni/10-keepsake.conflist"),
        """
        {
          "cniVersion": "0.4.0",
          "name": "keepsake",
          "plugins": [{
            "type": "bridge",
            "bridge": "keepsake0",
            "isGateway": true,
            "ipMasq": false,
            "hairpinMode": true,
            "ipam": {
              "type": "host-local",
              "dataDir": "%1$s/cni-ipam",
              "ranges": [[{"subnet": "%2$s"}]],
              "routes": [{"dst": "%3$s/32"}, {"dst": "%4$s"}]
            }
          }]
        }
        """
            .formatted(stateDir, POD_CIDR, NODE_IP, LocalControlPlane.SERVICE_CIDR));
    SupervisedProcess containerd =
        launch(
            "containerd",
            LocalTools.find("containerd").orElseThrow(),
            List.of("--config", config.toString()));
    awaitUp(
        containerd,
        "containerd",
        () -> Files.exists(containerdSocket()) && run(concat(ctrCommand(), "version")) == 0);
  }

  private void importImages() {
    Instant started = Instant.now();
    Path script = Project.root().resolve("test/scripts/build-images.sh");
    List<String> build = new ArrayList<>(List.of("bash", script.toString()));
    build.addAll(images);
    runOrFail(build, "building the images");
    List<String> list = new ArrayList<>(build);
    list.add(2, "--list");
    List<String> archives = new ArrayList<>();
    for (String line : output(list).lines().toList()) {
      archives.add(line.split("\t")[0]);
    }
    for (String archive : archives) {
      List<String> command = new ArrayList<>(ctrCommand());
      command.addAll(List.of("images", "import", archive));
      runOrFail(command, "importing " + archive);
    }
    System.err.printf(
        Locale.ROOT,
        "[node] %d images built and imported in %.1f s%n",
        archives.size(),
        Duration.between(started, Instant.now()).toMillis() / 1000.0);
  }

  private static void allowCoreDnsToRead(LocalControlPlane controlPlane) {
    RbacAuthorizationV1Api rbac = new RbacAuthorizationV1Api(controlPlane.client());
    try {
      rbac.createClusterRole(
              new V1ClusterRole()
                  .metadata(new V1ObjectMeta().name("keepsake-coredns"))
                  .rules(
                      List.of(
                          new V1PolicyRule()
                              .apiGroups(List.of(""))
                              .resources(List.of("endpoints", "services", "pods", "namespaces"))
                              .verbs(List.of("get", "list", "watch")),
                          new V1PolicyRule()
                              .apiGroups(List.of("discovery.k8s.io"))
                              .resources(List.of("endpointslices"))
                              .verbs(List.of("get", "list", "watch")))))
          .execute();
      rbac.createClusterRoleBinding(
              new V1ClusterRoleBinding()
                  .metadata(new V1ObjectMeta().name("keepsake-coredns"))
                  .roleRef(
                      new V1RoleRef()
                          .apiGroup("rbac.authorization.k8s.io")
                          .kind("ClusterRole")
                          .name("keepsake-coredns"))
                  .subjects(
                      List.of(
                          new RbacV1Subject()
                              .apiGroup("rbac.authorization.k8s.io")
                              .kind("User")
                              .name("keepsake-coredns"))))
          .execute();
    } catch (ApiException e) {
      if (e.getCode() != 409) {
        throw new IllegalStateException(
            "cannot grant CoreDNS read access: " + e.getResponseBody(), e);
      }
    }
  }

  private static boolean nodeReady(LocalControlPlane controlPlane) {
    try {
      V1Node node = new CoreV1Api(controlPlane.client()).readNode(NODE_NAME).execute();
      return node.getStatus() != null
          && node.getStatus().getConditions() != null
          && node.getStatus().getConditions().stream()
              .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    } catch (ApiException notYet) {
      return false;
    }
  }

  /**
   * Kills a container's processes outright with SIGKILL, as the kernel's OOM killer or a failing
   * node would, leaving the pod for the kubelet to report.
   *
   * @param containerId the container's id as the pod's status gives it ({@code containerd://...})
   */
  public void killContainer(String containerId) {
    String id = containerId.substring(containerId.indexOf("://") + 3);
    runOrFail(
        concat(ctrCommand(), "tasks", "kill", "--signal", "SIGKILL", "--all", id),
        "killing container " + id);
  }

  Path containerdSocket() {
    return stateDir.resolve("containerd.sock");
  }

  private String ctr() {
    return LocalTools.find("ctr").orElseThrow().toString();
  }

  private List<String> ctrCommand() {
    return List.of(ctr(), "--address", containerdSocket().toString(), "--namespace", "k8s.io");
  }

  private static List<String> concat(List<String> command, String... more) {
    List<String> all = new ArrayList<>(command);
    all.addAll(List.of(more));
    return all;
  }

  /** What the node left behind after {@link #close()}: empty when nothing. */
  public static String leftovers(Path stateDir) {
    return output(List.of("bash", script().toString(), "check", stateDir.toString())).trim();
  }

  public Path stateDir() {
    return stateDir;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).close();
    }
    processes.clear();
    Evidence.keepFiles(stateDir.resolve("pod-logs"), "node-pod-logs", ".log");
    script("down");
    if (guard != null) {
      guard.destroy();
    }
  }

  /**
   * A process outside the JVM's control that runs the teardown once the JVM is gone, so that a
   * killed test run leaves no mounts, namespaces, interfaces or firewall rules behind.
   */
  private void startGuard() {
    String watch =
        "jvm=\"$1\"; script=\"$2\"; state=\"$3\"; marker=\"$4\"; "
            + "while kill -0 \"$jvm\" 2>/dev/null; do sleep 1; done; sleep 6; bash \"$script\" down \"$state\"; "
            + "grep -q \"^$jvm \" \"$marker\" 2>/dev/null && rm -f \"$marker\"";
    try {
      guard =
          new ProcessBuilder(
                  "setsid",
                  "bash",
                  "-c",
                  watch,
                  GUARD_NAME,
                  Long.toString(ProcessHandle.current().pid()),
                  script().toString(),
                  stateDir.toString(),
                  OWNER_MARKER.toString())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the node's teardown guard", e);
    }
  }

  /** Runs the teardown on the node state a dead JVM left, when there is one. */
  static void tearDownLeftovers(Path stateDir) {
    if (Files.isDirectory(stateDir)) {
      run(List.of("bash", script().toString(), "down", stateDir.toString()));
    }
  }

  /** Node state folders of JVMs that died before their guard could clean up. */
  private static void removeLeftoversOfDeadOwners() {
    Path marker = OWNER_MARKER;
    try {
      if (Files.exists(marker)) {
        String[] owner = Files.readString(marker).trim().split(" ", 2);
        boolean alive =
            ProcessHandle.of(Long.parseLong(owner[0])).map(ProcessHandle::isAlive).orElse(false);
        if (alive) {
          throw new IllegalStateException(
              "another real node runs on this machine, owned by pid "
                  + owner[0]
                  + " (state in "
                  + owner[1]
                  + "); only one can run at a time");
        }
        run(List.of("bash", script().toString(), "down", owner[1]));
      }
    } catch (IOException | NumberFormatException | ArrayIndexOutOfBoundsException unreadable) {
      System.err.println(
          "[node] ignoring an unreadable owner marker " + marker + ": " + unreadable.getMessage());
    }
  }

  private void script(String action) {
    Path marker = OWNER_MARKER;
    if (action.equals("up")) {
      LocalControlPlane.write(marker, ProcessHandle.current().pid() + " " + stateDir);
    }
    runOrFail(
        List.of("bash", script().toString(), action, stateDir.toString()),
        "local-node.sh " + action);
    if (action.equals("down")) {
      try {
        Files.deleteIfExists(marker);
      } catch (IOException e) {
        System.err.println("[node] cannot remove " + marker + ": " + e.getMessage());
      }
    }
  }

  private static Path script() {
    return Project.root().resolve("test/scripts/local-node.sh");
  }

  private SupervisedProcess launch(String name, Path binary, List<String> args) {
    SupervisedProcess process =
        SupervisedProcess.start(name, binary, args, Map.of(), stateDir.resolve(name + ".log"));
    processes.add(process);
    return process;
  }

  private static void awaitUp(SupervisedProcess process, String what, BooleanSupplier ready) {
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    while (!ready.getAsBoolean()) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            process.name()
                + " exited while starting; last lines of "
                + process.logFile()
                + ":\n"
                + process.logTail(30));
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(
            "timed out after "
                + START_TIMEOUT.toSeconds()
                + " s waiting for "
                + what
                + "; last lines of "
                + process.logFile()
                + ":\n"
                + process.logTail(30));
      }
      sleep(200);
    }
  }

  private static int run(List<String> command) {
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return process.waitFor(60, TimeUnit.SECONDS) ? process.exitValue() : -1;
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static void runOrFail(List<String> command, String what) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (process.waitFor() != 0) {
        throw new IllegalStateException(
            what + " failed with exit code " + process.exitValue() + ":\n" + tail(output, 40));
      }
      output.lines().filter(line -> line.startsWith("[")).forEach(System.err::println);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while " + what, e);
    }
  }

  private static String output(List<String> command) {
    try {
      Process process =
          new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      process.waitFor();
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static String tail(String text, int lines) {
    List<String> all = text.lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  private static void sleep(long millis) {
    try {
      TimeUnit.MILLISECONDS.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static void copy(Path from, Path to) {
    try {
      Files.copy(
          from,
          to,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
