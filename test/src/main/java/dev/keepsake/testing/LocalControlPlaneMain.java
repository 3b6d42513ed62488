package dev.keepsake.testing;

import java.util.concurrent.CountDownLatch;

/** Starts the local control plane with the keepsake.dev CRDs and keeps it up until Ctrl-C. */
public final class LocalControlPlaneMain {
  private static final String NAMESPACE = "demo";

  private LocalControlPlaneMain() {}

  public static void main(String[] args) throws InterruptedException {
    LocalControlPlane controlPlane = LocalControlPlane.start();
    controlPlane.createNamespaceNamed(NAMESPACE);
    System.out.printf(
        """

        Keepsake local control plane is up at %s
        etcd, kube-apiserver and kube-controller-manager run on 127.0.0.1; the keepsake.dev CRDs are installed.

          export KUBECONFIG=%s
          kubectl apply -n %s -f crds/examples/redis/
          kubectl get keepsake -n %s
          kubectl explain backupconfiguration.spec.retentionPolicy

        Press Ctrl-C to stop; every process stops with it.
        """,
        controlPlane.serverUrl(), controlPlane.kubeconfig(), NAMESPACE, NAMESPACE);
    new CountDownLatch(1).await();
  }
}
