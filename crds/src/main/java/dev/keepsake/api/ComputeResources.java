package dev.keepsake.api;

import io.kubernetes.client.custom.Quantity;
import java.util.Map;

/** CPU and memory limits and requests of a backup or restore container. */
public class ComputeResources {
  private Map<String, Quantity> limits;
  private Map<String, Quantity> requests;

  public Map<String, Quantity> getLimits() {
    return limits;
  }

  public ComputeResources limits(Map<String, Quantity> limits) {
    this.limits = limits;
    return this;
  }

  public Map<String, Quantity> getRequests() {
    return requests;
  }

  public ComputeResources requests(Map<String, Quantity> requests) {
    this.requests = requests;
    return this;
  }
}
