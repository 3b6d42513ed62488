package dev.keepsake.api;

import io.kubernetes.client.common.KubernetesListObject;
import io.kubernetes.client.openapi.models.V1ListMeta;
import java.util.ArrayList;
import java.util.List;

/** A list of keepsake.dev objects as the API server returns it; one concrete subclass per kind. */
public abstract class ResourceList<T extends Resource<?, ?, T>> implements KubernetesListObject {
  private String apiVersion = Resource.API_VERSION;
  private String kind;
  private V1ListMeta metadata;
  private List<T> items = new ArrayList<>();

  protected ResourceList(String kind) {
    this.kind = kind;
  }

  @Override
  public String getApiVersion() {
    return apiVersion;
  }

  @Override
  public String getKind() {
    return kind;
  }

  @Override
  public V1ListMeta getMetadata() {
    return metadata;
  }

  @Override
  public List<T> getItems() {
    return items;
  }
}
