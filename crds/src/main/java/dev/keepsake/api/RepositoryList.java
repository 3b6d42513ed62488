package dev.keepsake.api;

/** A list of {@link Repository} objects. */
public class RepositoryList extends ResourceList<Repository> {
  public RepositoryList() {
    super("RepositoryList");
  }
}
