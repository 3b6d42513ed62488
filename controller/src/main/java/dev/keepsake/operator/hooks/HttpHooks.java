package dev.keepsake.operator.hooks;

import dev.keepsake.api.HttpHook;
import dev.keepsake.api.Param;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;

/** Makes an HTTP hook's request and judges its answer by the expected status codes. */
final class HttpHooks {
  private final HttpClient client =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(10))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  /** {@code body} is null for a GET. */
  HookOutcome run(HttpHook spec, String url, List<Param> headers, String body, Duration timeout)
      throws InterruptedException {
    String method = body == null ? "GET" : "POST";
    String shown = method + " " + withoutQuery(url);
    HttpRequest.Builder request;
    try {
      request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout);
    } catch (IllegalArgumentException e) {
      return HookOutcome.failure(
          "the URL " + withoutQuery(url) + " is not valid: " + e.getMessage(), "");
    }
    String refused = refusedHost(URI.create(url).getHost());
    if (refused != null) {
      return HookOutcome.failure(shown + " was not sent: " + refused, "");
    }
    for (Param header : headers) {
      request.header(header.getName(), header.getValue());
    }
    if (body == null) {
      request.GET();
    } else {
      request.header(
          "Content-Type",
          spec.getContentType() == null ? "application/json" : spec.getContentType());
      request.POST(HttpRequest.BodyPublishers.ofString(body));
    }
    HttpResponse<String> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      return HookOutcome.failure(
          shown + " got no answer within " + timeout.getSeconds() + " s (timeoutSeconds)", "");
    } catch (IOException | IllegalArgumentException e) {
      return HookOutcome.failure(
          shown
              + " failed: "
              + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()),
          "");
    }
    String answer = tail(response.body());
    int status = response.statusCode();
    List<Integer> expected = spec.getExpectedStatus();
    boolean ok =
        expected == null || expected.isEmpty()
            ? status >= 200 && status < 300
            : expected.contains(status);
    String expectation = expected == null || expected.isEmpty() ? "2xx" : expected.toString();
    return ok
        ? HookOutcome.success(shown + " answered " + status, answer)
        : HookOutcome.failure(shown + " answered " + status + ", expected " + expectation, answer);
  }

  /**
   * Why the operator does not call this host, or null: link-local addresses are where clouds serve
   * a node's credentials (169.254.169.254 and the like), and a hook's answer lands in a status.
   */
  static String refusedHost(String host) {
    if (host == null || host.isBlank()) {
      return "the URL names no host";
    }
    if (host.equalsIgnoreCase("metadata.google.internal") || host.equalsIgnoreCase("metadata")) {
      return "the host " + host + " is a cloud metadata service";
    }
    try {
      for (java.net.InetAddress address : java.net.InetAddress.getAllByName(host)) {
        if (address.isLinkLocalAddress() || address.isAnyLocalAddress()) {
          return "the host "
              + host
              + " is at "
              + address.getHostAddress()
              + ", a link-local address (cloud metadata services"
              + " live there)";
        }
      }
    } catch (java.net.UnknownHostException e) {
      return "the host " + host + " is unknown";
    }
    return null;
  }

  /** A query string often carries a token: messages show the URL without it. */
  static String withoutQuery(String url) {
    int query = url.indexOf('?');
    return query < 0 ? url : url.substring(0, query) + "?…";
  }

  private static String tail(String body) {
    if (body == null) {
      return "";
    }
    return body.length() > OutputTail.LIMIT
        ? "…" + body.substring(body.length() - OutputTail.LIMIT).strip()
        : body.strip();
  }
}
