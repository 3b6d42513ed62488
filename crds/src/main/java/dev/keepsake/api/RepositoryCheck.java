package dev.keepsake.api;

/** A scheduled restic check of a repository. */
public class RepositoryCheck {
  private String schedule;
  private String timeZone;
  private String readDataSubset;

  public String getSchedule() {
    return schedule;
  }

  public RepositoryCheck schedule(String schedule) {
    this.schedule = schedule;
    return this;
  }

  public String getTimeZone() {
    return timeZone;
  }

  public RepositoryCheck timeZone(String timeZone) {
    this.timeZone = timeZone;
    return this;
  }

  public String getReadDataSubset() {
    return readDataSubset;
  }

  public RepositoryCheck readDataSubset(String readDataSubset) {
    this.readDataSubset = readDataSubset;
    return this;
  }
}
