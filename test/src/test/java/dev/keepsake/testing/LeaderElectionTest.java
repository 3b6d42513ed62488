package dev.keepsake.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keepsake.operator.app.Operator;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.models.V1Lease;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Two operator instances share one Lease: only the holder reconciles. */
@ExtendWith(LocalControlPlaneExtension.class)
class LeaderElectionTest {

  @Test
  void ofTwoOperatorsOnlyTheLeaderActs(LocalControlPlane controlPlane, TestNamespace namespace)
      throws Exception {
    AtomicInteger lostLeadership = new AtomicInteger();
    Operator first = operator(controlPlane);
    Operator second = operator(controlPlane);
    try {
      for (var instance : List.of(new Object[] {first, "first"}, new Object[] {second, "second"})) {
        Thread thread =
            new Thread(
                () ->
                    ((Operator) instance[0])
                        .runWithLeaderElection(
                            controlPlane.client(),
                            namespace.name(),
                            (String) instance[1],
                            lostLeadership::incrementAndGet),
                "leader-election-" + instance[1]);
        thread.setDaemon(true);
        thread.start();
      }
      Examples.createStrict(
          controlPlane.client(),
          namespace.name(),
          Examples.get("BackupConfiguration", "redis-nightly"));

      V1Lease lease =
          await()
              .atMost(Duration.ofSeconds(30))
              .ignoreExceptions()
              .until(
                  () ->
                      new CoordinationV1Api(controlPlane.client())
                          .readNamespacedLease(Operator.LEASE_NAME, namespace.name())
                          .execute(),
                  l -> l.getSpec().getHolderIdentity() != null);
      Operator leader = "first".equals(lease.getSpec().getHolderIdentity()) ? first : second;
      Operator follower = leader == first ? second : first;
      await().atMost(Duration.ofSeconds(30)).until(() -> leader.reconciles() > 0);

      assertThat(follower.reconciles()).isZero();
      assertThat(lostLeadership).hasValue(0);
      // The follower watches too: ready to take over, as a rolling update of the chart's
      // Deployment waits for its new pod, which starts as a follower, to be.
      await().atMost(Duration.ofSeconds(30)).until(() -> readiness(follower) == 200);
      assertThat(follower.reconciles()).isZero();
      // Its caches are as full as the leader's, yet only the leader counts what is scheduled: a
      // dashboard sums the replicas.
      String scheduled =
          "keepsake_operator_scheduled_configurations{namespace=\"" + namespace.name() + "\",} 1.0";
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> get(leader, "/metrics").contains(scheduled));
      assertThat(get(follower, "/metrics"))
          .doesNotContain("keepsake_operator_scheduled_configurations{");
    } finally {
      first.close();
      second.close();
    }
  }

  private static int readiness(Operator operator) throws Exception {
    return send(operator, "/readyz").statusCode();
  }

  private static String get(Operator operator, String path) throws Exception {
    return send(operator, path).body();
  }

  private static java.net.http.HttpResponse<String> send(Operator operator, String path)
      throws Exception {
    return java.net.http.HttpClient.newHttpClient()
        .send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + operator.healthPort() + path))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
  }

  private static Operator operator(LocalControlPlane controlPlane) throws Exception {
    return new Operator(
        controlPlane.client(),
        controlPlane.watchClient(),
        TestOperators.settings("keepsake/runner:test", null, 600, "keepsake-job"),
        Operator.loopback());
  }
}
