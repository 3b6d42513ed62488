package dev.keepsake.operator.status;

import dev.keepsake.api.AllowedNamespaces;
import dev.keepsake.api.Repository;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1LabelSelectorRequirement;
import java.util.Map;

/** Whether a Repository's usage policy lets a namespace back up into it and restore from it. */
public final class UsagePolicies {
  private UsagePolicies() {}

  public static boolean admits(Repository repository, String namespace, Map<String, String> namespaceLabels) {
    if (namespace.equals(repository.getMetadata().getNamespace())) {
      return true;
    }
    AllowedNamespaces allowed = repository.getSpec().getUsagePolicy() == null ? null
        : repository.getSpec().getUsagePolicy().getAllowedNamespaces();
    String from = allowed == null || allowed.getFrom() == null ? "Same" : allowed.getFrom();
    return switch (from) {
      case "All" -> true;
      case "Selector" -> matches(allowed.getSelector(), namespaceLabels == null ? Map.of() : namespaceLabels);
      default -> false;
    };
  }

  static boolean matches(V1LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return false;
    }
    if (selector.getMatchLabels() != null
        && !selector.getMatchLabels().entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())))) {
      return false;
    }
    for (V1LabelSelectorRequirement requirement : selector.getMatchExpressions() == null
        ? java.util.List.<V1LabelSelectorRequirement>of() : selector.getMatchExpressions()) {
      String value = labels.get(requirement.getKey());
      boolean holds = switch (requirement.getOperator()) {
        case "In" -> value != null && requirement.getValues().contains(value);
        case "NotIn" -> value == null || !requirement.getValues().contains(value);
        case "Exists" -> value != null;
        default -> value == null;
      };
      if (!holds) {
        return false;
      }
    }
    return true;
  }
}
