package dev.keepsake.api;

import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.openapi.models.V1ObjectMeta;

/**
 * The shape every keepsake.dev object shares: type meta, object meta, spec and status.
 *
 * <p>Gson resolves {@code S} and {@code T} from each subclass's declaration, so one base serves all
 * kinds without per-kind (de)serialization code.
 */
public abstract class Resource<S, T, SELF extends Resource<S, T, SELF>>
    implements KubernetesObject {
  public static final String GROUP = "keepsake.dev";
  public static final String VERSION = "v1alpha1";
  public static final String API_VERSION = GROUP + "/" + VERSION;

  private String apiVersion = API_VERSION;
  private String kind;
  private V1ObjectMeta metadata;
  private S spec;
  private T status;

  protected Resource(String kind) {
    this.kind = kind;
  }

  @SuppressWarnings("unchecked")
  private SELF self() {
    return (SELF) this;
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
  public V1ObjectMeta getMetadata() {
    return metadata;
  }

  public S getSpec() {
    return spec;
  }

  public T getStatus() {
    return status;
  }

  public SELF metadata(V1ObjectMeta metadata) {
    this.metadata = metadata;
    return self();
  }

  public SELF spec(S spec) {
    this.spec = spec;
    return self();
  }

  public SELF status(T status) {
    this.status = status;
    return self();
  }
}
