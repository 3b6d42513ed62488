package dev.keepsake.operator.reconcile;

import com.google.gson.JsonParser;
import io.kubernetes.client.openapi.ApiException;
import java.util.Optional;

/**
 * Failures that trying again will not cure and the user must hear of: the API server refusing what
 * the operator built from their object (an invalid Job or CronJob, a quota, an admission policy),
 * or the object holding a value the operator cannot work with.
 */
final class Refusals {
  private Refusals() {}

  /**
   * The API server's own words when it refused a write for what was in it (400, 403, 422), else
   * empty.
   */
  static Optional<String> of(ApiException e) {
    if (e.getCode() != 400 && e.getCode() != 403 && e.getCode() != 422) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          JsonParser.parseString(e.getResponseBody())
              .getAsJsonObject()
              .get("message")
              .getAsString());
    } catch (RuntimeException notAStatus) {
      // The generic API puts the server's Status message into the exception's own message.
      String message = e.getResponseBody() != null ? e.getResponseBody().strip() : e.getMessage();
      return Optional.of(message == null || message.isBlank() ? "HTTP " + e.getCode() : message);
    }
  }

  /**
   * Whether the API server refused to create something because its namespace is being deleted (the
   * NamespaceLifecycle admission's cause).
   */
  static boolean namespaceTerminating(ApiException e) {
    if (e.getCode() != 403 || e.getResponseBody() == null) {
      return false;
    }
    try {
      var details = JsonParser.parseString(e.getResponseBody()).getAsJsonObject().get("details");
      if (details == null || !details.isJsonObject() || !details.getAsJsonObject().has("causes")) {
        return false;
      }
      for (var cause : details.getAsJsonObject().getAsJsonArray("causes")) {
        var reason = cause.getAsJsonObject().get("reason");
        if (reason != null && "NamespaceTerminating".equals(reason.getAsString())) {
          return true;
        }
      }
      return false;
    } catch (RuntimeException notAStatus) {
      return false;
    }
  }

  /** A value in the object that the operator's own code could not use, in a sentence. */
  static String describe(RuntimeException e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    if (e instanceof NumberFormatException || e.getClass().getName().contains("Quantity")) {
      return "a value is not a number or quantity Kubernetes reads: " + message;
    }
    return message.isBlank() ? e.getClass().getSimpleName() : message;
  }
}
