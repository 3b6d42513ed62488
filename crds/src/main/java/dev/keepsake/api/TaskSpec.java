package dev.keepsake.api;

import io.kubernetes.client.openapi.models.V1Volume;
import java.util.List;

/** Ordered Function steps and the volumes they share. */
public class TaskSpec {
  private List<TaskStep> steps;
  private List<V1Volume> volumes;

  public List<TaskStep> getSteps() {
    return steps;
  }

  public TaskSpec steps(List<TaskStep> steps) {
    this.steps = steps;
    return this;
  }

  public List<V1Volume> getVolumes() {
    return volumes;
  }

  public TaskSpec volumes(List<V1Volume> volumes) {
    this.volumes = volumes;
    return this;
  }
}
