package dev.keepsake.api;

/** Desired state of a Repository. */
public class RepositorySpec {
  private Backend backend;
  private NamedRef secret;
  private Boolean initialize;
  private UsagePolicy usagePolicy;
  private Boolean wipeOut;
  private RepositoryCheck check;

  public Backend getBackend() {
    return backend;
  }

  public RepositorySpec backend(Backend backend) {
    this.backend = backend;
    return this;
  }

  public NamedRef getSecret() {
    return secret;
  }

  public RepositorySpec secret(NamedRef secret) {
    this.secret = secret;
    return this;
  }

  public Boolean getInitialize() {
    return initialize;
  }

  public RepositorySpec initialize(Boolean initialize) {
    this.initialize = initialize;
    return this;
  }

  public UsagePolicy getUsagePolicy() {
    return usagePolicy;
  }

  public RepositorySpec usagePolicy(UsagePolicy usagePolicy) {
    this.usagePolicy = usagePolicy;
    return this;
  }

  public Boolean getWipeOut() {
    return wipeOut;
  }

  public RepositorySpec wipeOut(Boolean wipeOut) {
    this.wipeOut = wipeOut;
    return this;
  }

  public RepositoryCheck getCheck() {
    return check;
  }

  public RepositorySpec check(RepositoryCheck check) {
    this.check = check;
    return this;
  }
}
