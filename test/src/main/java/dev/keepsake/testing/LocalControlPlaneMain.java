package dev.keepsake.testing;

import dev.keepsake.desired.OperatorSettings;
import dev.keepsake.operator.app.Operator;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;

/**
 * Starts the local control plane with the keepsake.dev CRDs and the operator, and keeps them up until
 * Ctrl-C. There is no kubelet: Jobs are created and tracked, but their pods do not run.
 */
public final class LocalControlPlaneMain {
  private static final String NAMESPACE = "demo";

  private LocalControlPlaneMain() {}

  public static void main(String[] args) throws InterruptedException, IOException {
    LocalControlPlane controlPlane = LocalControlPlane.start();
    controlPlane.createNamespaceNamed(NAMESPACE);
    boolean withOperator = !java.util.List.of(args).contains("--no-operator");
    Operator operator = null;
    if (withOperator) {
      operator = new Operator(controlPlane.client(), controlPlane.watchClient(),
          new OperatorSettings("keepsake/runner:0.1.0", null, 3600, "keepsake-job"), Operator.loopback()).start();
      Operator running = operator;
      Runtime.getRuntime().addShutdownHook(new Thread(running::close));
    }
    System.out.printf(
        """

        Keepsake local control plane is up at %s
        etcd, kube-apiserver and kube-controller-manager run on 127.0.0.1; the keepsake.dev CRDs are installed%s.

          export KUBECONFIG=%s
          kubectl apply -n %s -f crds/examples/redis/
          kubectl get keepsake -n %s
          kubectl describe backupconfiguration -n %s redis-nightly
          kubectl get cronjobs,jobs -n %s

        There is no kubelet here yet: backup Jobs are created and tracked, but their pods do not run.
        Press Ctrl-C to stop; every process stops with it.
        """,
        controlPlane.serverUrl(),
        withOperator ? " and the operator runs (health on 127.0.0.1:" + operator.healthPort() + ")" : "",
        controlPlane.kubeconfig(), NAMESPACE, NAMESPACE, NAMESPACE, NAMESPACE);
    new CountDownLatch(1).await();
  }
}
