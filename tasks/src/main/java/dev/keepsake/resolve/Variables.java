package dev.keepsake.resolve;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The values ${NAME} stands for while a Task is resolved. A value is a list: most hold one string;
 * some (RETENTION_FLAGS, TARGET_PATHS) hold several, and expand to several arguments.
 */
public final class Variables {
  private final Map<String, List<String>> values;

  private Variables(Map<String, List<String>> values) {
    this.values = values;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Optional<List<String>> get(String name) {
    return Optional.ofNullable(values.get(name));
  }

  public Map<String, List<String>> asMap() {
    return values;
  }

  /** These variables with {@code overrides} laid over them (later params win). */
  public Variables with(Map<String, String> overrides) {
    Builder builder = new Builder();
    builder.values.putAll(values);
    overrides.forEach(builder::set);
    return builder.build();
  }

  /** Collects variables; a null value leaves the variable undefined. */
  public static final class Builder {
    private final Map<String, List<String>> values = new LinkedHashMap<>();

    public Builder set(String name, String value) {
      if (value != null) {
        values.put(name, List.of(value));
      }
      return this;
    }

    public Builder set(String name, Integer value) {
      return set(name, value == null ? null : value.toString());
    }

    public Builder list(String name, List<String> value) {
      values.put(name, List.copyOf(value));
      return this;
    }

    public Variables build() {
      return new Variables(Map.copyOf(values));
    }
  }
}
