package dev.keepsake.operator.app;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/** /healthz (the process answers), /readyz (every informer synced) and /metrics. */
final class HealthServer implements AutoCloseable {
  private final HttpServer server;

  HealthServer(InetSocketAddress address, BooleanSupplier synced, OperatorMetrics metrics)
      throws IOException {
    server = HttpServer.create(address, 0);
    server.createContext("/healthz", exchange -> answer(exchange, 200, "ok\n"));
    server.createContext(
        "/readyz",
        exchange -> {
          boolean ready = synced.getAsBoolean();
          answer(exchange, ready ? 200 : 503, ready ? "ok\n" : "informers not synced\n");
        });
    server.createContext("/metrics", exchange -> answer(exchange, 200, metrics.exposition()));
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  private static void answer(HttpExchange exchange, int code, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
