package dev.keepsake.operator.status;

import io.kubernetes.client.openapi.models.V1Condition;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The one way conditions are set: lastTransitionTime moves only when the status flips, and every
 * condition says which generation it judged.
 */
public final class Conditions {
  public static final String READY = "Ready";

  private Conditions() {}

  public static List<V1Condition> set(
      List<V1Condition> current,
      String type,
      boolean status,
      String reason,
      String message,
      Long generation,
      OffsetDateTime now) {
    List<V1Condition> result = new ArrayList<>();
    String wanted = status ? "True" : "False";
    V1Condition previous = find(current, type).orElse(null);
    for (V1Condition condition : current == null ? List.<V1Condition>of() : current) {
      if (!type.equals(condition.getType())) {
        result.add(condition);
      }
    }
    OffsetDateTime since =
        previous != null && wanted.equals(previous.getStatus())
            ? previous.getLastTransitionTime()
            : now;
    result.add(
        new V1Condition()
            .type(type)
            .status(wanted)
            .reason(reason)
            .message(message)
            .observedGeneration(generation)
            .lastTransitionTime(since));
    return result;
  }

  /** The conditions without {@code type}; null stays null. */
  public static List<V1Condition> remove(List<V1Condition> current, String type) {
    return current == null
        ? null
        : current.stream().filter(c -> !type.equals(c.getType())).toList();
  }

  public static Optional<V1Condition> find(List<V1Condition> conditions, String type) {
    return conditions == null
        ? Optional.empty()
        : conditions.stream().filter(c -> Objects.equals(type, c.getType())).findFirst();
  }
}
