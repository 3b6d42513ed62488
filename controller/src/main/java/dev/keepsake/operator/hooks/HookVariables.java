package dev.keepsake.operator.hooks;

import com.google.gson.JsonObject;
import dev.keepsake.resolve.Substitution;
import dev.keepsake.resolve.Variables;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The session facts a hook may use as ${NAME} in its command, URL, headers and body. Values are
 * replaced as they are, except in a JSON body, where they are JSON-escaped.
 */
public final class HookVariables {
  private final Map<String, String> values;

  private HookVariables(Map<String, String> values) {
    this.values = values;
  }

  /** The facts of a session for one hook; null values become empty strings. */
  public static HookVariables of(Map<String, String> facts) {
    Map<String, String> values = new LinkedHashMap<>();
    facts.forEach((name, value) -> values.put(name, value == null ? "" : value));
    return new HookVariables(values);
  }

  Map<String, String> values() {
    return values;
  }

  /** Replaces variables; an undefined one is an error that names the field it is in. */
  String in(String template, String field) {
    return in(template, field, false);
  }

  String inJson(String template, String field) {
    return in(template, field, true);
  }

  List<String> in(List<String> templates, String field) {
    List<String> result = new ArrayList<>();
    for (int i = 0; i < templates.size(); i++) {
      result.add(in(templates.get(i), field + "[" + i + "]", false));
    }
    return result;
  }

  private String in(String template, String field, boolean json) {
    Variables.Builder builder = Variables.builder();
    values.forEach((name, value) -> builder.set(name, json ? jsonEscaped(value) : value));
    Substitution substitution = new Substitution(builder.build());
    String result = substitution.in(template);
    if (!substitution.undefined().isEmpty()) {
      throw new IllegalArgumentException(
          field
              + " uses ${"
              + substitution.undefined().iterator().next()
              + "}, which no session defines; the variables are "
              + String.join(", ", values.keySet()));
    }
    return result;
  }

  /** The default body of an httpPost hook: every fact, as JSON. */
  String defaultBody() {
    JsonObject body = new JsonObject();
    values.forEach((name, value) -> body.addProperty(camel(name), value));
    return body.toString();
  }

  private static String jsonEscaped(String value) {
    String quoted = new com.google.gson.JsonPrimitive(value).toString();
    return quoted.substring(1, quoted.length() - 1);
  }

  private static String camel(String name) {
    StringBuilder result = new StringBuilder();
    boolean upper = false;
    for (char c : name.toLowerCase(java.util.Locale.ROOT).toCharArray()) {
      if (c == '_') {
        upper = true;
      } else {
        result.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return result.toString();
  }
}
