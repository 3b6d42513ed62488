package dev.keepsake.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds etcd, the Kubernetes binaries, CoreDNS and kubectl: in a configured directory, in
 * KUBEBUILDER_ASSETS, or else built from Go modules by {@code test/scripts/build-control-plane.sh}.
 */
record ControlPlaneBinaries(
    Path etcd,
    Path kubeApiserver,
    Path kubeControllerManager,
    Path kubeScheduler,
    Path kubelet,
    Path kubeProxy,
    Path coredns,
    Path kubectl) {
  static final String DIRECTORY_PROPERTY = "keepsake.controlPlane.binaries";
  static final String DIRECTORY_ENV = "KEEPSAKE_CONTROL_PLANE_BINARIES";
  private static final List<String> NAMES =
      List.of(
          "etcd",
          "kube-apiserver",
          "kube-controller-manager",
          "kube-scheduler",
          "kubelet",
          "kube-proxy",
          "coredns",
          "kubectl");

  private static ControlPlaneBinaries located;

  /** The binaries, found or built on first use and remembered for the rest of the run. */
  static synchronized ControlPlaneBinaries locate() {
    if (located == null) {
      located = find();
    }
    return located;
  }

  private static ControlPlaneBinaries find() {
    return Stream.of(
            Optional.ofNullable(System.getProperty(DIRECTORY_PROPERTY)),
            Optional.ofNullable(System.getenv(DIRECTORY_ENV)),
            Optional.ofNullable(System.getenv("KUBEBUILDER_ASSETS")))
        .flatMap(Optional::stream)
        .filter(dir -> !dir.isBlank())
        .map(Path::of)
        .filter(ControlPlaneBinaries::holdsAll)
        .findFirst()
        .map(ControlPlaneBinaries::in)
        .orElseGet(() -> in(build()));
  }

  private static ControlPlaneBinaries in(Path dir) {
    return new ControlPlaneBinaries(
        dir.resolve("etcd"),
        dir.resolve("kube-apiserver"),
        dir.resolve("kube-controller-manager"),
        dir.resolve("kube-scheduler"),
        dir.resolve("kubelet"),
        dir.resolve("kube-proxy"),
        dir.resolve("coredns"),
        dir.resolve("kubectl"));
  }

  private static boolean holdsAll(Path dir) {
    return NAMES.stream().allMatch(name -> Files.isExecutable(dir.resolve(name)));
  }

  /** Runs the build script; on a warm cache it only prints the cached directory. */
  private static Path build() {
    Path script = Project.root().resolve("test/scripts/build-control-plane.sh");
    try {
      Process process =
          new ProcessBuilder("bash", script.toString())
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int exit = process.waitFor();
      List<String> lines = output.lines().filter(line -> !line.isBlank()).toList();
      if (exit != 0 || lines.isEmpty()) {
        throw new IllegalStateException(
            script
                + " failed with exit code "
                + exit
                + "; its messages are above in the build output");
      }
      Path dir = Path.of(lines.get(lines.size() - 1).trim());
      if (!holdsAll(dir)) {
        throw new IllegalStateException(script + " reported " + dir + " but it lacks " + NAMES);
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + script, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while building the control plane", e);
    }
  }
}
