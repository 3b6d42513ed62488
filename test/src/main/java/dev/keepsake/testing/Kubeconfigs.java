package dev.keepsake.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Kubeconfig files for a bearer token, as a pod's ServiceAccount would have. */
public final class Kubeconfigs {
  private Kubeconfigs() {}

  /**
   * Writes {@code kubeconfig} and {@code ca.crt} into {@code folder} and returns the kubeconfig's
   * path.
   */
  public static Path withToken(
      Path folder, String serverUrl, String caPem, String user, String token, String namespace) {
    try {
      Files.createDirectories(folder);
      Path ca = folder.resolve("ca.crt");
      Files.writeString(ca, caPem);
      Path file = folder.resolve("kubeconfig");
      Files.writeString(
          file,
          """
          apiVersion: v1
          kind: Config
          clusters:
            - name: local
              cluster: {server: "%s", certificate-authority: "%s"}
          users:
            - name: %s
              user: {token: "%s"}
          contexts:
            - name: default
              context: {cluster: local, user: %s, namespace: %s}
          current-context: default
          """
              .formatted(serverUrl, ca, user, token, user, namespace),
          StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
