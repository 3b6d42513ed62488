package dev.keepsake.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small HTTP server that stands for an application's pause and resume endpoints or a notification
 * receiver: it records every request and answers each path with the status it was told (200 else).
 */
public final class WebhookReceiver implements AutoCloseable {
  /** One request as it arrived. */
  public record Request(
      String method,
      String path,
      String contentType,
      Map<String, List<String>> headers,
      String body) {}

  private final HttpServer server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Map<String, Integer> statuses = new ConcurrentHashMap<>();

  private WebhookReceiver(HttpServer server) {
    this.server = server;
  }

  /** Listens on {@code address} (port 0: any free one). */
  public static WebhookReceiver start(InetAddress address) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(address, 0), 16);
    WebhookReceiver receiver = new WebhookReceiver(server);
    server.createContext(
        "/",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          String path = exchange.getRequestURI().getPath();
          receiver.requests.add(
              new Request(
                  exchange.getRequestMethod(),
                  path,
                  exchange.getRequestHeaders().getFirst("Content-Type"),
                  Map.copyOf(exchange.getRequestHeaders()),
                  body));
          byte[] answer = ("answer to " + path).getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(receiver.statuses.getOrDefault(path, 200), answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        });
    server.start();
    return receiver;
  }

  public static WebhookReceiver onLoopback() throws IOException {
    return start(InetAddress.getLoopbackAddress());
  }

  public String url(String path) {
    return "http://"
        + server.getAddress().getAddress().getHostAddress()
        + ":"
        + server.getAddress().getPort()
        + path;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public void answer(String path, int status) {
    statuses.put(path, status);
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  public List<String> paths() {
    return requests.stream().map(Request::path).toList();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
