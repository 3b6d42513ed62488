package dev.keepsake.api;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/** The CustomResourceDefinitions of keepsake.dev, as shipped in this module's jar. */
public final class Crds {
  private static final String RESOURCE_FOLDER = "dev/keepsake/crds/";

  private Crds() {}

  public static String fileName(ApiKind<?, ?> kind) {
    return Resource.GROUP + "_" + kind.plural() + ".yaml";
  }

  public static JsonObject manifest(ApiKind<?, ?> kind) {
    String resource = RESOURCE_FOLDER + fileName(kind);
    try (InputStream in = Crds.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing CRD resource " + resource);
      }
      return Manifests.read(in).get(0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Every CRD as JSON. Kept as JSON on purpose: the client's typed V1JSONSchemaProps holds nested
   * schemas as untyped maps, which turns integers such as maxLength into doubles the API server
   * refuses.
   */
  public static List<JsonObject> all() {
    return ApiKind.ALL.stream().map(Crds::manifest).toList();
  }
}
