package dev.keepsake.resolve;

import com.google.gson.JsonObject;
import dev.keepsake.api.Function;
import dev.keepsake.api.Manifests;
import dev.keepsake.api.Task;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The generic Functions and Tasks that ship with Keepsake; a namespace's own of the same name win.
 */
public final class BuiltIns {
  private static final Map<String, Function> FUNCTIONS = load("functions.yaml", Function.class);
  private static final Map<String, Task> TASKS = load("tasks.yaml", Task.class);

  private BuiltIns() {}

  public static Map<String, Function> functions() {
    return FUNCTIONS;
  }

  public static Optional<Task> task(String name) {
    return Optional.ofNullable(TASKS.get(name));
  }

  public static Map<String, Task> tasks() {
    return TASKS;
  }

  private static <T extends dev.keepsake.api.Resource<?, ?, T>> Map<String, T> load(
      String file, Class<T> type) {
    try (InputStream in = BuiltIns.class.getResourceAsStream("/dev/keepsake/builtin/" + file)) {
      Map<String, T> objects = new LinkedHashMap<>();
      List<JsonObject> documents = Manifests.read(in);
      for (JsonObject document : documents) {
        T object = Manifests.toModel(document, type);
        objects.put(object.getMetadata().getName(), object);
      }
      return Map.copyOf(objects);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
