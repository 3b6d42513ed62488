package dev.keepsake.runner.redis;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * Where a Redis listens and how to log in: host, port, ACL user and password, and TLS with the
 * certificate authority that signed the server's certificate (verified, host name included).
 */
public record RedisEndpoint(
    String host, int port, String user, String password, boolean tls, Path caCertificate) {
  private static final int CONNECT_TIMEOUT_MILLIS = 30_000;

  /**
   * A reply that takes longer than this (DUMP of a huge key included) means the server is stuck.
   */
  private static final int READ_TIMEOUT_MILLIS = 300_000;

  public RedisEndpoint {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("no Redis host given");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("Redis port " + port + " is not between 1 and 65535");
    }
  }

  public String describe() {
    return (tls ? "rediss://" : "redis://")
        + host
        + ":"
        + port
        + (user == null || user.isBlank() ? "" : " as " + user);
  }

  /** Opens a connection and logs in; the caller closes it. */
  public RespConnection connect() throws IOException {
    Socket socket = tls ? tlsSocket() : new Socket();
    try {
      if (!tls) {
        socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
      }
      socket.setSoTimeout(READ_TIMEOUT_MILLIS);
      socket.setTcpNoDelay(true);
      RespConnection connection = new RespConnection(socket, describe());
      if (password != null && !password.isEmpty()) {
        RespConnection.Reply reply =
            user == null || user.isBlank() || user.equals("default")
                ? connection.call("AUTH", password)
                : connection.call("AUTH", user, password);
        if (reply.isError()) {
          connection.close();
          throw new RedisException(
              "Redis at " + describe() + " refused the login: " + reply.text());
        }
      }
      return connection;
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  private Socket tlsSocket() throws IOException {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(
          null, caCertificate == null ? null : trustOnly(caCertificate).getTrustManagers(), null);
      Socket socket = new Socket();
      socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
      socket.setSoTimeout(CONNECT_TIMEOUT_MILLIS); // the handshake too must not wait forever
      SSLSocket secured =
          (SSLSocket) context.getSocketFactory().createSocket(socket, host, port, true);
      SSLParameters parameters = secured.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      secured.setSSLParameters(parameters);
      secured.startHandshake();
      return secured;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot set up TLS to " + host + ":" + port + ": " + e.getMessage(), e);
    }
  }

  private static TrustManagerFactory trustOnly(Path caFile)
      throws IOException, GeneralSecurityException {
    if (!Files.isReadable(caFile)) {
      throw new IOException(
          "the CA certificate "
              + caFile
              + " cannot be read (is the AppBinding's tlsSecret mounted?)");
    }
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    try (InputStream in = Files.newInputStream(caFile)) {
      Collection<? extends Certificate> certificates =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certificates.isEmpty()) {
        throw new IOException("no certificate in " + caFile);
      }
      int i = 0;
      for (Certificate certificate : certificates) {
        store.setCertificateEntry("ca-" + i++, certificate);
      }
    }
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    return factory;
  }
}
