package dev.keepsake.api;

/** A restic repository: its backend, the Secret that unlocks it and who may use it. */
public class Repository extends Resource<RepositorySpec, RepositoryStatus, Repository> {
  public static final String KIND = "Repository";
  public static final String PLURAL = "repositories";

  public Repository() {
    super(KIND);
  }
}
