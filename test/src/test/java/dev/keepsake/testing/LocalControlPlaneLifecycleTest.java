package dev.keepsake.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Starting and stopping leaves nothing behind: no process, no listening port, no work folder. */
class LocalControlPlaneLifecycleTest {
  private static final Set<String> SERVERS =
      Set.of("etcd", "kube-apiserver", "kube-controller-manager");

  @Test
  void closingStopsEveryProcessAndFreesThePortAndTheWorkFolder() {
    Set<Long> alreadyRunning =
        servers(ProcessHandle.current()).stream()
            .map(ProcessHandle::pid)
            .collect(Collectors.toSet());
    LocalControlPlane controlPlane = LocalControlPlane.start();
    List<ProcessHandle> servers =
        servers(ProcessHandle.current()).stream()
            .filter(p -> !alreadyRunning.contains(p.pid()))
            .toList();
    URI server = URI.create(controlPlane.serverUrl());
    Path workDir = controlPlane.workDir();
    assertThat(servers).extracting(LocalControlPlaneLifecycleTest::command).containsAll(SERVERS);

    controlPlane.close();

    assertThat(servers).noneMatch(ProcessHandle::isAlive);
    assertThat(isListening(server.getPort())).isFalse();
    assertThat(Files.exists(workDir)).isFalse();
  }

  @Test
  void killingTheJvmOutrightStillStopsEveryProcess() throws Exception {
    Process jvm =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-Dkeepsake.projectRoot=" + Project.root(),
                LocalControlPlaneMain.class.getName(),
                "--no-operator",
                "--stand-in")
            .redirectErrorStream(true)
            .start();
    try {
      String banner = awaitLine(jvm, "Keepsake local control plane is up at ");
      int port = URI.create(banner.substring(banner.indexOf("https://")).trim()).getPort();
      List<ProcessHandle> servers = servers(jvm.toHandle());
      assertThat(servers).extracting(LocalControlPlaneLifecycleTest::command).containsAll(SERVERS);

      jvm.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL: no shutdown hook runs

      await("every server to stop after its JVM was killed")
          .atMost(Duration.ofSeconds(20))
          .until(() -> servers.stream().noneMatch(ProcessHandle::isAlive));
      assertThat(isListening(port)).isFalse();
    } finally {
      jvm.destroyForcibly();
    }
  }

  private static List<ProcessHandle> servers(ProcessHandle parent) {
    return parent
        .descendants()
        .filter(p -> SERVERS.contains(command(p)))
        .collect(Collectors.toList());
  }

  private static String command(ProcessHandle process) {
    return process.info().command().map(c -> Path.of(c).getFileName().toString()).orElse("");
  }

  private static String awaitLine(Process process, String prefix) throws Exception {
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    return CompletableFuture.supplyAsync(
            () -> {
              try {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                  seen.append(line).append('\n');
                  if (line.startsWith(prefix)) {
                    return line;
                  }
                }
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
              throw new IllegalStateException(
                  "the control plane JVM ended before starting:\n" + seen);
            })
        .get(120, TimeUnit.SECONDS);
  }

  private static boolean isListening(int port) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException refused) {
      return false;
    }
  }
}
