package dev.keepsake.api;

/** Status of kinds the operator only reads. */
public class ObservedStatus {
  private Long observedGeneration;

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public ObservedStatus observedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
    return this;
  }
}
