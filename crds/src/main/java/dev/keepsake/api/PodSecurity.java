package dev.keepsake.api;

/** The pod-level security settings a backup or restore pod may be given. */
public class PodSecurity {
  private Long runAsUser;
  private Long runAsGroup;
  private Boolean runAsNonRoot;
  private Long fsGroup;

  public Long getRunAsUser() {
    return runAsUser;
  }

  public PodSecurity runAsUser(Long runAsUser) {
    this.runAsUser = runAsUser;
    return this;
  }

  public Long getRunAsGroup() {
    return runAsGroup;
  }

  public PodSecurity runAsGroup(Long runAsGroup) {
    this.runAsGroup = runAsGroup;
    return this;
  }

  public Boolean getRunAsNonRoot() {
    return runAsNonRoot;
  }

  public PodSecurity runAsNonRoot(Boolean runAsNonRoot) {
    this.runAsNonRoot = runAsNonRoot;
    return this;
  }

  public Long getFsGroup() {
    return fsGroup;
  }

  public PodSecurity fsGroup(Long fsGroup) {
    this.fsGroup = fsGroup;
    return this;
  }
}
