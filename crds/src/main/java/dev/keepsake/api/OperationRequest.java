package dev.keepsake.api;

import com.google.gson.JsonParseException;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A request for a one-off operation on a Repository (a check, or the removal of locks), as JSON in
 * its annotation {@value #ANNOTATION}. The operator runs it as a Job and reports it in
 * status.lastOperation.
 */
public class OperationRequest {
  public static final String ANNOTATION = "keepsake.dev/request";
  public static final String CHECK = "check";
  public static final String UNLOCK = "unlock";
  private static final Pattern ID = Pattern.compile("[a-z0-9]([a-z0-9-]{0,18}[a-z0-9])?");
  private static final Pattern SUBSET =
      Pattern.compile("\\d{1,3}(\\.\\d{1,4})?%|\\d{1,9}/\\d{1,9}|\\d{1,12}[KMGT]?");

  private String id;
  private String operation;
  private String readDataSubset;
  private Boolean removeAll;

  public String getId() {
    return id;
  }

  public OperationRequest id(String id) {
    this.id = id;
    return this;
  }

  public String getOperation() {
    return operation;
  }

  public OperationRequest operation(String operation) {
    this.operation = operation;
    return this;
  }

  public String getReadDataSubset() {
    return readDataSubset;
  }

  public OperationRequest readDataSubset(String readDataSubset) {
    this.readDataSubset = readDataSubset;
    return this;
  }

  public Boolean getRemoveAll() {
    return removeAll;
  }

  public OperationRequest removeAll(Boolean removeAll) {
    this.removeAll = removeAll;
    return this;
  }

  /**
   * The request in a Repository's annotations, if any; {@link Invalid} says what is wrong with it.
   */
  public static Optional<OperationRequest> of(Map<String, String> annotations) {
    String text = annotations == null ? null : annotations.get(ANNOTATION);
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    OperationRequest request;
    try {
      request = Manifests.gson().fromJson(text, OperationRequest.class);
    } catch (JsonParseException | IllegalStateException e) {
      throw new Invalid(
          null,
          "annotation "
              + ANNOTATION
              + " is not a JSON object like {\"id\":\"x1\",\"operation\":\"check\"}: "
              + text);
    }
    if (request == null) {
      throw new Invalid(null, "annotation " + ANNOTATION + " is empty");
    }
    request.validate();
    return Optional.of(request);
  }

  private void validate() {
    if (id == null || !ID.matcher(id).matches()) {
      throw new Invalid(
          null,
          "annotation "
              + ANNOTATION
              + ": id "
              + quoted(id)
              + " must be 1 to 20 lower-case letters, digits and '-', starting and ending with a letter or digit");
    }
    if (!CHECK.equals(operation) && !UNLOCK.equals(operation)) {
      throw new Invalid(
          id,
          "annotation "
              + ANNOTATION
              + ": operation "
              + quoted(operation)
              + " is not one of check, unlock");
    }
    if (readDataSubset != null && (!CHECK.equals(operation) || !subsetInRange(readDataSubset))) {
      throw new Invalid(
          id,
          "annotation "
              + ANNOTATION
              + ": readDataSubset "
              + quoted(readDataSubset)
              + (CHECK.equals(operation)
                  ? " is not a percentage up to 100% (10%), a part n/m with n <= m (1/5) or a size (500M)"
                  : " is for check only"));
    }
    if (removeAll != null && !UNLOCK.equals(operation)) {
      throw new Invalid(id, "annotation " + ANNOTATION + ": removeAll is for unlock only");
    }
  }

  /**
   * restic's forms: a percentage above 0 and at most 100, a part n/m with 1 <= n <= m, or a size
   * above 0.
   */
  static boolean subsetInRange(String subset) {
    if (!SUBSET.matcher(subset).matches()) {
      return false;
    }
    if (subset.endsWith("%")) {
      double percent = Double.parseDouble(subset.substring(0, subset.length() - 1));
      return percent > 0 && percent <= 100;
    }
    if (subset.contains("/")) {
      long part = Long.parseLong(subset.substring(0, subset.indexOf('/')));
      long of = Long.parseLong(subset.substring(subset.indexOf('/') + 1));
      return part >= 1 && part <= of;
    }
    return Long.parseLong(subset.replaceAll("[KMGT]$", "")) > 0;
  }

  private static String quoted(String value) {
    return value == null ? "(none)" : "\"" + value + "\"";
  }

  /** A request the operator cannot run; {@link #id()} is its id when that much could be read. */
  public static final class Invalid extends RuntimeException {
    private final String id;

    Invalid(String id, String message) {
      super(message);
      this.id = id;
    }

    public String id() {
      return id;
    }
  }
}
