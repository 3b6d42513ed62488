package dev.keepsake.resolve;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces ${NAME} and ${NAME:=default} in strings. A variable that is neither defined nor given a
 * default is an error that names it: an empty string in its place would run a wrong command
 * quietly.
 */
public final class Substitution {
  private static final Pattern VARIABLE =
      Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::=([^}]*))?}");

  private final Variables variables;
  private final Set<String> undefined = new LinkedHashSet<>();

  public Substitution(Variables variables) {
    this.variables = variables;
  }

  /** A string with every variable replaced; list values are joined with spaces. */
  public String in(String template) {
    return substitute(template, false);
  }

  /**
   * A string the kubelet expands $(NAME) in (a command, an argument, an env value): every $ of a
   * substituted value is doubled, so the kubelet gives back the value as it was.
   */
  public String forKubelet(String template) {
    return substitute(template, true);
  }

  /**
   * Arguments with variables replaced; an argument that is exactly one list variable becomes its
   * items, and one that is exactly one empty variable disappears. The kubelet expands arguments, so
   * substituted values are kept literal as in {@link #forKubelet(String)}.
   */
  public List<String> forKubelet(List<String> arguments) {
    if (arguments == null) {
      return null;
    }
    List<String> result = new ArrayList<>();
    for (String argument : arguments) {
      Matcher whole = VARIABLE.matcher(argument);
      if (whole.matches()) {
        // A whole argument that comes out empty is left out, so optional flags can default to
        // nothing.
        valueOf(whole, true).stream().filter(value -> !value.isEmpty()).forEach(result::add);
      } else {
        result.add(forKubelet(argument));
      }
    }
    return result;
  }

  private String substitute(String template, boolean kubeletExpands) {
    if (template == null) {
      return null;
    }
    Matcher matcher = VARIABLE.matcher(template);
    StringBuilder result = new StringBuilder();
    while (matcher.find()) {
      matcher.appendReplacement(
          result, Matcher.quoteReplacement(String.join(" ", valueOf(matcher, kubeletExpands))));
    }
    matcher.appendTail(result);
    return result.toString();
  }

  /** Names used but defined nowhere, in order of appearance. */
  public Set<String> undefined() {
    return undefined;
  }

  /**
   * A value, never a template: the kubelet would expand a $(NAME) in it to that environment
   * variable of the container (a Secret's value, say). It reads $$ as $, so doubling every $ keeps
   * the value.
   */
  private static List<String> literal(List<String> values) {
    return values.stream().map(value -> value.replace("$", "$$")).toList();
  }

  private List<String> valueOf(Matcher matcher, boolean kubeletExpands) {
    String name = matcher.group(1);
    String fallback = matcher.group(2);
    return variables
        .get(name)
        .map(values -> kubeletExpands ? literal(values) : values)
        .orElseGet(
            () -> {
              if (fallback == null) {
                undefined.add(name);
                return List.of("${" + name + "}");
              }
              return List.of(fallback);
            });
  }
}
