package dev.keepsake.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real node whose JVM is killed outright (SIGKILL: no shutdown hook runs) leaves nothing on the
 * machine: its guard process removes the processes, mounts, network namespaces, interfaces,
 * iptables chains, cgroups and the address, as {@code local-node.sh check} confirms.
 */
@ExtendWith(RealNodeTeardownTest.NeedsARealNode.class)
class RealNodeTeardownTest {
  static final class NeedsARealNode implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      String unavailable = LocalNode.unavailableBecause();
      return unavailable == null
          ? ConditionEvaluationResult.enabled("this machine can run a real node")
          : ConditionEvaluationResult.disabled("no real node here: " + unavailable);
    }
  }

  @Test
  void killingTheJvmOfANodeWithARunningPodLeavesNothingBehind() throws Exception {
    try (RealNodeTurn turn = RealNodeTurn.take(getClass().getSimpleName())) {
      killANodesJvmAndAwaitItsGuard();
    }
  }

  private static void killANodesJvmAndAwaitItsGuard() throws Exception {
    Process jvm =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-Dkeepsake.projectRoot=" + Project.root(),
                LocalControlPlaneMain.class.getName(),
                "--no-operator",
                "--real-node")
            .redirectErrorStream(true)
            .start();
    Path nodeState;
    try {
      String exportLine = awaitLine(jvm, "  export KUBECONFIG=");
      Path kubeconfig = Path.of(exportLine.substring(exportLine.indexOf('=') + 1).trim());
      nodeState = kubeconfig.getParent().resolve("node");
      ClusterPods.redis(
          io.kubernetes.client.util.Config.fromConfig(kubeconfig.toString()),
          "demo",
          "teardown-password");
      assertThat(check(nodeState))
          .as("a running node is seen by the check")
          .contains("left behind:", "interface keepsake0", "veth interfaces", "network namespaces");

      jvm.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    } finally {
      jvm.destroyForcibly();
    }

    await("the guard to remove everything the node made")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofSeconds(2))
        .until(() -> check(nodeState).equals("nothing left behind"));
  }

  private static String check(Path nodeState) {
    try {
      return Processes.output(
              List.of(
                  "bash",
                  Project.root().resolve("test/scripts/local-node.sh").toString(),
                  "check",
                  nodeState.toString()),
              Map.of())
          .trim();
    } catch (RuntimeException leftBehind) {
      return leftBehind.getMessage();
    }
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
              } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
              }
              throw new IllegalStateException("the node's JVM ended before it was up:\n" + seen);
            })
        .get(10, TimeUnit.MINUTES);
  }
}
