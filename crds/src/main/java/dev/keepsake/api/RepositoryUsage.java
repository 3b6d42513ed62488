package dev.keepsake.api;

/**
 * The whole repository as a backup's last step saw it: how many snapshots, how many stored bytes.
 */
public class RepositoryUsage {
  private Integer snapshotCount;
  private Long totalSizeBytes;
  private java.util.List<SnapshotEntry> snapshots;

  public Integer getSnapshotCount() {
    return snapshotCount;
  }

  public RepositoryUsage snapshotCount(Integer snapshotCount) {
    this.snapshotCount = snapshotCount;
    return this;
  }

  public Long getTotalSizeBytes() {
    return totalSizeBytes;
  }

  public RepositoryUsage totalSizeBytes(Long totalSizeBytes) {
    this.totalSizeBytes = totalSizeBytes;
    return this;
  }

  public java.util.List<SnapshotEntry> getSnapshots() {
    return snapshots;
  }

  public RepositoryUsage snapshots(java.util.List<SnapshotEntry> snapshots) {
    this.snapshots = snapshots;
    return this;
  }
}
