package dev.keepsake.api;

import java.util.List;

/** Which snapshots of a target survive each backup's restic forget. */
public class RetentionPolicy {
  private String name;
  private Integer keepLast;
  private Integer keepHourly;
  private Integer keepDaily;
  private Integer keepWeekly;
  private Integer keepMonthly;
  private Integer keepYearly;
  private List<String> keepTags;
  private Boolean prune;
  private Boolean dryRun;

  public String getName() {
    return name;
  }

  public RetentionPolicy name(String name) {
    this.name = name;
    return this;
  }

  public Integer getKeepLast() {
    return keepLast;
  }

  public RetentionPolicy keepLast(Integer keepLast) {
    this.keepLast = keepLast;
    return this;
  }

  public Integer getKeepHourly() {
    return keepHourly;
  }

  public RetentionPolicy keepHourly(Integer keepHourly) {
    this.keepHourly = keepHourly;
    return this;
  }

  public Integer getKeepDaily() {
    return keepDaily;
  }

  public RetentionPolicy keepDaily(Integer keepDaily) {
    this.keepDaily = keepDaily;
    return this;
  }

  public Integer getKeepWeekly() {
    return keepWeekly;
  }

  public RetentionPolicy keepWeekly(Integer keepWeekly) {
    this.keepWeekly = keepWeekly;
    return this;
  }

  public Integer getKeepMonthly() {
    return keepMonthly;
  }

  public RetentionPolicy keepMonthly(Integer keepMonthly) {
    this.keepMonthly = keepMonthly;
    return this;
  }

  public Integer getKeepYearly() {
    return keepYearly;
  }

  public RetentionPolicy keepYearly(Integer keepYearly) {
    this.keepYearly = keepYearly;
    return this;
  }

  public List<String> getKeepTags() {
    return keepTags;
  }

  public RetentionPolicy keepTags(List<String> keepTags) {
    this.keepTags = keepTags;
    return this;
  }

  public Boolean getPrune() {
    return prune;
  }

  public RetentionPolicy prune(Boolean prune) {
    this.prune = prune;
    return this;
  }

  public Boolean getDryRun() {
    return dryRun;
  }

  public RetentionPolicy dryRun(Boolean dryRun) {
    this.dryRun = dryRun;
    return this;
  }
}
