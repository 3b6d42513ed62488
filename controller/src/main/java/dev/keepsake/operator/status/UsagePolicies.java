package dev.keepsake.operator.status;

import dev.keepsake.api.AllowedNamespaces;
import dev.keepsake.api.Repository;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1LabelSelectorRequirement;
import java.util.Map;

/** Whether a Repository's usage policy lets a namespace back up into it and restore from it. */
public final class UsagePolicies {
  private UsagePolicies() {}

  /**
   * @param namespaceLabels the namespace's labels, or null when the operator does not read
   *     namespaces (installed for a list of them): a selector then admits none, whatever it says
   */
  public static boolean admits(
      Repository repository, String namespace, Map<String, String> namespaceLabels) {
    if (namespace.equals(repository.getMetadata().getNamespace())) {
      return true;
    }
    AllowedNamespaces allowed =
        repository.getSpec().getUsagePolicy() == null
            ? null
            : repository.getSpec().getUsagePolicy().getAllowedNamespaces();
    String from = allowed == null || allowed.getFrom() == null ? "Same" : allowed.getFrom();
    return switch (from) {
      case "All" -> true;
      case "Selector" -> namespaceLabels != null && matches(allowed.getSelector(), namespaceLabels);
      default -> false;
    };
  }

  /** Why a namespace is not admitted, for the condition's message. */
  public static String refusal(
      Repository repository, String namespace, Map<String, String> namespaceLabels) {
    String name =
        repository.getMetadata().getNamespace() + "/" + repository.getMetadata().getName();
    var policy = repository.getSpec().getUsagePolicy();
    boolean selector =
        policy != null
            && policy.getAllowedNamespaces() != null
            && "Selector".equals(policy.getAllowedNamespaces().getFrom());
    return "the usage policy of Repository "
        + name
        + " does not admit namespace "
        + namespace
        + (selector && namespaceLabels == null
            ? ": this operator watches a list of namespaces and does not read their labels, so"
                + " spec.usagePolicy.allowedNamespaces.from: Selector admits none (use All)"
            : "");
  }

  static boolean matches(V1LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return false;
    }
    if (selector.getMatchLabels() != null
        && !selector.getMatchLabels().entrySet().stream()
            .allMatch(e -> e.getValue().equals(labels.get(e.getKey())))) {
      return false;
    }
    for (V1LabelSelectorRequirement requirement :
        selector.getMatchExpressions() == null
            ? java.util.List.<V1LabelSelectorRequirement>of()
            : selector.getMatchExpressions()) {
      String value = labels.get(requirement.getKey());
      boolean holds =
          switch (requirement.getOperator()) {
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
