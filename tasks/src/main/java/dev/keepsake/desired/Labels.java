package dev.keepsake.desired;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The labels on everything the operator makes: how it finds its own objects and who they belong to.
 */
public final class Labels {
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String MANAGER = "keepsake";
  public static final String CONFIGURATION = "keepsake.dev/configuration";
  public static final String SESSION = "keepsake.dev/session";
  public static final String RESTORE = "keepsake.dev/restore";
  public static final String REPOSITORY = "keepsake.dev/repository";

  /** What a Job of a Repository does (check, unlock); the wipe Job has none. */
  public static final String OPERATION = "keepsake.dev/operation";

  /** The id of the one-off request (annotation keepsake.dev/request) a Repository's Job runs. */
  public static final String REQUEST = "keepsake.dev/request";

  /**
   * On every Job whose runner opens a Repository (its own Jobs and sessions' alike): which one, so
   * that a new Job can be told which others on the same repository are still running. Not {@link
   * #REPOSITORY}: that one marks a Repository's own Jobs, whose changes wake its reconciler.
   */
  public static final String USES_REPOSITORY = "keepsake.dev/uses-repository";

  public static final String USES_REPOSITORY_NAMESPACE = "keepsake.dev/uses-repository-namespace";

  /** Selects exactly the Jobs and CronJobs the operator caches. */
  public static final String SELECTOR = MANAGED_BY + "=" + MANAGER;

  private Labels() {}

  /**
   * A label's value for a name: label values have at most 63 characters, and the names of objects
   * whose schema does not bound them (a Task, an AppBinding) may be longer.
   */
  public static String value(String name) {
    return Names.fit(name, Names.JOB_MAX);
  }

  public static Map<String, String> of(String key, String value) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(MANAGED_BY, MANAGER);
    labels.put(key, value);
    return labels;
  }
}
