package dev.keepsake.operator.app;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * /healthz (the process answers), /readyz (every informer synced and none failing to list or watch:
 * while the API server is unreachable the operator is not ready) and /metrics.
 */
final class HealthServer implements AutoCloseable {
  private final HttpServer server;

  HealthServer(
      InetSocketAddress address,
      BooleanSupplier ready,
      Supplier<String> notReadyBecause,
      OperatorMetrics metrics)
      throws IOException {
    server = HttpServer.create(address, 0);
    server.createContext("/healthz", exchange -> answer(exchange, 200, "ok\n"));
    server.createContext(
        "/readyz",
        exchange -> {
          boolean isReady = ready.getAsBoolean();
          answer(exchange, isReady ? 200 : 503, isReady ? "ok\n" : notReadyBecause.get() + "\n");
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
