package dev.keepsake.desired;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Deterministic names for what the operator creates, so a reconcile repeated after a crash finds
 * the object it made before. Too-long names are cut and given a short hash of the whole name.
 */
public final class Names {
  /** A CronJob's Jobs get an 11-character suffix, and Job names end up in 63-character labels. */
  public static final int CRON_JOB_MAX = 52;

  public static final int JOB_MAX = 63;
  private static final int HASH_LENGTH = 8;

  private Names() {}

  public static String cronJob(String configuration) {
    return fit("keepsake-" + configuration, CRON_JOB_MAX);
  }

  public static String backupJob(String session) {
    return fit("keepsake-backup-" + session, JOB_MAX);
  }

  public static String restoreJob(String session) {
    return fit("keepsake-restore-" + session, JOB_MAX);
  }

  public static String checkCronJob(String repository) {
    return fit("keepsake-check-" + repository, CRON_JOB_MAX);
  }

  public static String wipeJob(String repository) {
    return fit("keepsake-wipe-" + repository, JOB_MAX);
  }

  /** The Job of a one-off request on a repository: the request's id keeps two requests apart. */
  public static String operationJob(String operation, String repository, String id) {
    return fit("keepsake-" + operation + "-" + repository + "-" + id, JOB_MAX);
  }

  public static String fit(String name, int max) {
    if (name.length() <= max) {
      return name;
    }
    String head = name.substring(0, max - HASH_LENGTH - 1).replaceAll("[-.]+$", "");
    return head + "-" + hash(name);
  }

  private static String hash(String name) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, HASH_LENGTH);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
