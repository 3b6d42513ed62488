package dev.keepsake.runner.command;

import dev.keepsake.runner.redis.RedisEndpoint;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * How redis-dump and redis-load reach Redis. The password comes from REDISCLI_AUTH, as for
 * redis-cli, never an argument.
 */
public final class RedisOptions {
  @Option(names = "--host", required = true, description = "Redis host.")
  String host;

  @Option(names = "--port", defaultValue = "6379", description = "Redis port. Default 6379.")
  int port;

  @Option(
      names = "--user",
      defaultValue = "",
      description = "ACL user (default: the default user).")
  String user;

  @Option(
      names = "--tls",
      description = "Connect with TLS, verifying the server's certificate and host name.")
  boolean tls;

  @Option(
      names = "--cacert",
      description = "With --tls: the CA certificate (PEM) that signed the server's certificate.")
  Path caCertificate;

  RedisEndpoint endpoint() {
    Path ca = caCertificate != null && caCertificate.toFile().exists() ? caCertificate : null;
    if (tls && caCertificate != null && ca == null) {
      throw new IllegalArgumentException(
          "the CA certificate "
              + caCertificate
              + " does not exist (is the AppBinding's tlsSecret set?)");
    }
    return new RedisEndpoint(host, port, user, System.getenv("REDISCLI_AUTH"), tls, ca);
  }
}
