package dev.keepsake.api;

/** What the retention policy did after a backup. */
public class RetentionResult {
  private Integer kept;
  private Integer removed;
  private Boolean pruned;

  public Integer getKept() {
    return kept;
  }

  public RetentionResult kept(Integer kept) {
    this.kept = kept;
    return this;
  }

  public Integer getRemoved() {
    return removed;
  }

  public RetentionResult removed(Integer removed) {
    this.removed = removed;
    return this;
  }

  public Boolean getPruned() {
    return pruned;
  }

  public RetentionResult pruned(Boolean pruned) {
    this.pruned = pruned;
    return this;
  }
}
