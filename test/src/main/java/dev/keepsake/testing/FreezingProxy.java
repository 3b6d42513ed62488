package dev.keepsake.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on loopback whose open connections can be made to die without a word, as when a NAT
 * entry or a node on the way is lost: bytes are still taken from both ends and never delivered,
 * nothing is closed. New connections are forwarded as before.
 */
public final class FreezingProxy implements AutoCloseable {
  private final ServerSocket server;
  private final InetSocketAddress upstream;
  private final List<Link> links = new CopyOnWriteArrayList<>();

  private FreezingProxy(ServerSocket server, InetSocketAddress upstream) {
    this.server = server;
    this.upstream = upstream;
  }

  public static FreezingProxy to(String host, int port) {
    try {
      ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      FreezingProxy proxy = new FreezingProxy(server, new InetSocketAddress(host, port));
      daemon("proxy-accept", proxy::accept);
      return proxy;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Every connection open now stops delivering, for good; later ones work. */
  public int freezeOpenConnections() {
    links.forEach(link -> link.frozen = true);
    return links.size();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket down = server.accept();
        Socket up = new Socket(upstream.getAddress(), upstream.getPort());
        Link link = new Link(down, up);
        links.add(link);
        daemon("proxy-up", () -> link.pump(down, up));
        daemon("proxy-down", () -> link.pump(up, down));
      } catch (IOException closedOrRefused) {
        // the proxy was closed, or the upstream refused this one connection
      }
    }
  }

  private static void daemon(String name, Runnable body) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException ignored) {
      // closing
    }
    for (Link link : links) {
      link.close();
    }
  }

  private static final class Link {
    private final Socket down;
    private final Socket up;
    private volatile boolean frozen;

    Link(Socket down, Socket up) {
      this.down = down;
      this.up = up;
    }

    void pump(Socket from, Socket to) {
      byte[] buffer = new byte[16 * 1024];
      try (InputStream in = from.getInputStream();
          OutputStream out = to.getOutputStream()) {
        int read;
        while ((read = in.read(buffer)) >= 0) {
          if (!frozen) {
            out.write(buffer, 0, read);
            out.flush();
          }
        }
        if (!frozen) {
          to.shutdownOutput();
        }
      } catch (IOException ended) {
        // one side closed
      }
    }

    void close() {
      try {
        down.close();
        up.close();
      } catch (IOException ignored) {
        // closing
      }
    }
  }
}
