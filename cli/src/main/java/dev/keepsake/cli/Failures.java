package dev.keepsake.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Status;
import io.kubernetes.client.util.generic.KubernetesApiResponse;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

/** What went wrong, in one line a user can act on. */
final class Failures {
  private Failures() {}

  static String describe(Throwable failure) {
    if (failure instanceof CliException) {
      return failure.getMessage();
    }
    Throwable cause = failure;
    while (cause != null) {
      if (cause instanceof ConnectException
          || cause instanceof UnknownHostException
          || cause instanceof SocketTimeoutException) {
        return "no cluster: cannot reach the API server: " + cause.getMessage();
      }
      cause = cause.getCause();
    }
    return failure.getClass().getSimpleName() + ": " + failure.getMessage();
  }

  /**
   * A failure of the connection to {@code server}, told by what failed; any other failure as it is.
   */
  static RuntimeException unreachable(RuntimeException failure, String server) {
    IOException deepest = null;
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof IOException io) {
        deepest = io;
      }
    }
    return deepest == null ? failure : connection(deepest, server);
  }

  private static CliException connection(IOException failure, String server) {
    String message =
        failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    if (failure instanceof ConnectException
        || failure instanceof UnknownHostException
        || failure instanceof java.net.NoRouteToHostException) {
      return CliException.transientFailure(
          "no cluster: cannot reach the API server at " + server + ": " + message);
    }
    if (failure instanceof SocketTimeoutException) {
      return CliException.transientFailure(
          "the API server at "
              + server
              + " did not answer in time (--request-timeout): "
              + message);
    }
    if (failure instanceof javax.net.ssl.SSLException) {
      return new CliException(
          "the TLS connection to the API server at "
              + server
              + " failed (see the kubeconfig's"
              + " certificate-authority): "
              + message);
    }
    return new CliException(
        "the connection to the API server at " + server + " failed: " + message);
  }

  static <T extends io.kubernetes.client.common.KubernetesType> KubernetesApiResponse<T> orThrow(
      KubernetesApiResponse<T> response,
      String verb,
      String resource,
      String namespace,
      String server) {
    if (response.isSuccess()) {
      return response;
    }
    V1Status status = response.getStatus();
    throw refusal(
        response.getHttpStatusCode(),
        status == null ? null : status.getMessage(),
        verb,
        resource,
        namespace,
        server);
  }

  static CliException of(
      ApiException e, String verb, String resource, String namespace, String server) {
    if (e.getCode() == 0) {
      return e.getCause() instanceof IOException io
          ? connection(io, server)
          : new CliException(
              "no cluster: cannot reach the API server at " + server + ": " + e.getMessage());
    }
    String message = null;
    try {
      JsonObject body = JsonParser.parseString(e.getResponseBody()).getAsJsonObject();
      message = body.has("message") ? body.get("message").getAsString() : null;
    } catch (RuntimeException notJson) {
      message = e.getResponseBody();
    }
    return refusal(e.getCode(), message, verb, resource, namespace, server);
  }

  private static CliException refusal(
      int code, String message, String verb, String resource, String namespace, String server) {
    String where = namespace == null ? "in any namespace" : "in namespace " + namespace;
    return switch (code) {
      case 0 ->
          new CliException(
              "no cluster: cannot reach the API server at "
                  + server
                  + (message == null ? "" : ": " + message));
      case 401 ->
          new CliException(
              "the API server at "
                  + server
                  + " did not accept your credentials (401): log in again"
                  + " or check the kubeconfig's user");
      case 403 ->
          new CliException(
              "forbidden: you may not "
                  + verb
                  + " "
                  + resource
                  + " "
                  + where
                  + (message == null ? "" : " (" + message + ")"));
      case 409 ->
          new CliException(
              "create".equals(verb)
                  ? resource + " of that name already exists " + where
                  : resource
                      + " changed "
                      + where
                      + " while this command worked on it (409); run it again");
      case 404 ->
          new CliException(
              resource
                  + " not found "
                  + where
                  + (message == null ? "" : ": " + message)
                  + (resource.endsWith("keepsake.dev")
                      ? "; is Keepsake installed (kubectl get crd " + resource + ")?"
                      : ""));
      case 429, 500, 502, 503, 504 ->
          CliException.transientFailure(
              "the API server could not "
                  + verb
                  + " "
                  + resource
                  + " "
                  + where
                  + " ("
                  + code
                  + ")"
                  + (message == null ? "" : ": " + message));
      default ->
          new CliException(
              "the API server refused to "
                  + verb
                  + " "
                  + resource
                  + " "
                  + where
                  + " ("
                  + code
                  + ")"
                  + (message == null ? "" : ": " + message));
    };
  }
}
