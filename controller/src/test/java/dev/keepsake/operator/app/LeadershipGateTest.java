package dev.keepsake.operator.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.kubernetes.client.openapi.ApiClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

class LeadershipGateTest {
  private final LeadershipGate gate = new LeadershipGate();

  @Test
  void aProcessThatFollowsLeadsAgainOnlyWhenToldAndNeverAfterAShutDown() {
    gate.follow();
    assertThat(gate.leading()).isFalse();

    gate.lead(gate.stops());
    assertThat(gate.leading()).isTrue();
    gate.shutDown();
    gate.lead(gate.stops());
    assertThat(gate.leading()).isFalse();
  }

  @Test
  void aStartToldAfterALaterStopDoesNotMakeTheProcessLead() {
    long stopsBefore = gate.stops();
    gate.follow();

    gate.lead(stopsBefore);

    assertThat(gate.leading()).isFalse();
  }

  @Test
  void theGuardedClientSendsReadsAlwaysAndWritesOnlyWhileLeading() throws Exception {
    AtomicInteger received = new AtomicInteger();
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          received.incrementAndGet();
          exchange.getRequestBody().readAllBytes();
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.start();
    try {
      ApiClient client = gate.guard(new ApiClient());
      String url =
          "http://127.0.0.1:"
              + server.getAddress().getPort()
              + "/apis/batch/v1/namespaces/shop/jobs";
      gate.follow();

      assertThat(send(client, new Request.Builder().url(url).get().build()).code()).isEqualTo(200);
      Request post =
          new Request.Builder()
              .url(url)
              .post(RequestBody.create("{}", MediaType.get("application/json")))
              .build();
      assertThatThrownBy(() -> send(client, post))
          .isInstanceOf(IOException.class)
          .hasMessage(
              "this operator does not hold the Lease keepsake-operator now:"
                  + " POST /apis/batch/v1/namespaces/shop/jobs not sent");
      assertThat(received).hasValue(1);

      gate.lead(gate.stops());
      assertThat(send(client, post).code()).isEqualTo(200);
      assertThat(received).hasValue(2);
    } finally {
      server.stop(0);
    }
  }

  private static Response send(ApiClient client, Request request) throws IOException {
    try (Response response = client.getHttpClient().newCall(request).execute()) {
      return response;
    }
  }
}
