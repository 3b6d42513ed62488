package dev.keepsake.runner.restic;

import dev.keepsake.api.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the operator told this runner about the other Keepsake Jobs of its repository when it
 * created this Job, and from that, which leftover restic locks belong to runners that have ended.
 *
 * <p>restic keeps another host's lock for 30 minutes, and every runner pod is another host, so the
 * lock of a killed runner would otherwise fail the next retention (prune needs an exclusive lock).
 * Any doubt counts as live: a lock is judged ended only when its host is a Keepsake pod, it was not
 * refreshed for {@link #refreshWindow} (a running restic refreshes its lock every 5 minutes, so
 * this holds even for a runner the operator does not know of: an older operator's Job, another
 * Repository object on the same storage), it is older than this Job (with a margin for clocks), and
 * no Job that was running then can own it.
 */
public record RunnerPeers(Instant jobCreated, List<String> activeJobs, Duration refreshWindow) {
  /** When the operator created this Job, RFC 3339. */
  public static final String JOB_CREATED = "KEEPSAKE_JOB_CREATED";

  /** The other Jobs of the same repository that had not finished then, comma-separated. */
  public static final String ACTIVE_RUNNERS = "KEEPSAKE_ACTIVE_RUNNERS";

  /**
   * How long a lock must have gone without a refresh to be judged (default 10 minutes, twice
   * restic's refresh interval). For tests; shorter than 5 minutes takes live runners' locks.
   */
  public static final String REFRESH_WINDOW = "KEEPSAKE_LOCK_REFRESH_WINDOW";

  static final Duration DEFAULT_REFRESH_WINDOW = Duration.ofMinutes(10);

  /** Every Job the operator makes is named keepsake-..., and its pods' hostnames start so. */
  static final String HOST_PREFIX = "keepsake-";

  /** The operator's clock and the nodes' clocks may differ a little. */
  static final Duration CLOCK_MARGIN = Duration.ofSeconds(60);

  /**
   * A pod's name is its Job's name and "-" cut to 58 characters, then 5 random ones (Kubernetes'
   * generateName), so only the first 58 characters of a long Job name are in the hostname. One
   * character less leaves room for doubt, and a prefix that matches more Jobs keeps more locks.
   */
  static final int JOB_NAME_IN_HOSTNAME = 57;

  /** A DNS subdomain, as Kubernetes requires of a Job's name. */
  private static final Pattern JOB_NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

  public RunnerPeers {
    activeJobs = List.copyOf(activeJobs);
  }

  public RunnerPeers(Instant jobCreated, List<String> activeJobs) {
    this(jobCreated, activeJobs, DEFAULT_REFRESH_WINDOW);
  }

  /**
   * The operator's word from the runner's environment, or empty when it is missing or unreadable
   * (an older operator, a runner started by hand): then only restic's own rule removes locks.
   */
  public static Optional<RunnerPeers> fromEnvironment(Map<String, String> environment) {
    String created = environment.get(JOB_CREATED);
    String active = environment.get(ACTIVE_RUNNERS);
    if (created == null || created.isBlank() || active == null) {
      return Optional.empty();
    }
    Instant jobCreated = ResticLock.instant(created);
    if (jobCreated == null) {
      return Optional.empty();
    }
    List<String> names = new ArrayList<>();
    for (String name : active.split(",", -1)) {
      String trimmed = name.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      if (!JOB_NAME.matcher(trimmed).matches()) {
        // A list we cannot read could leave out a running Job: better no judgement at all.
        return Optional.empty();
      }
      names.add(trimmed);
    }
    return Optional.of(new RunnerPeers(jobCreated, names, refreshWindow(environment)));
  }

  private static Duration refreshWindow(Map<String, String> environment) {
    String window = environment.get(REFRESH_WINDOW);
    if (window == null || window.isBlank()) {
      return DEFAULT_REFRESH_WINDOW;
    }
    try {
      return Durations.parse(window.trim());
    } catch (RuntimeException unreadable) {
      return DEFAULT_REFRESH_WINDOW;
    }
  }

  /** Whether {@code lock} is an ended runner's, and why (or why not), judged now. */
  public LockJudgement judge(ResticLock lock) {
    return judge(lock, Instant.now());
  }

  public LockJudgement judge(ResticLock lock, Instant now) {
    String host = lock.hostname();
    if (host == null || !host.startsWith(HOST_PREFIX)) {
      return LockJudgement.kept(lock, "not a Keepsake runner's host");
    }
    if (lock.time() == null) {
      return LockJudgement.kept(lock, "its time cannot be read");
    }
    if (lock.time().isAfter(now.minus(refreshWindow))) {
      return LockJudgement.kept(
          lock,
          "made or refreshed within the last "
              + Durations.human(refreshWindow)
              + ": a running restic refreshes its lock every 5 minutes");
    }
    if (!lock.time().isBefore(jobCreated.minus(CLOCK_MARGIN))) {
      return LockJudgement.kept(
          lock,
          "made or refreshed less than "
              + CLOCK_MARGIN.toSeconds()
              + "s before this Job was created, or after: its runner may still run");
    }
    for (String job : activeJobs) {
      String prefix = job.substring(0, Math.min(JOB_NAME_IN_HOSTNAME, job.length()));
      if (host.startsWith(prefix)) {
        return LockJudgement.kept(lock, "Job " + job + " had not finished when this Job was made");
      }
    }
    return LockJudgement.ended(
        lock, "older than this Job, and no Job running when this Job was made can own it");
  }

  /** The verdict on one lock. */
  public record LockJudgement(ResticLock lock, boolean ended, String why) {
    static LockJudgement kept(ResticLock lock, String why) {
      return new LockJudgement(lock, false, why);
    }

    static LockJudgement ended(ResticLock lock, String why) {
      return new LockJudgement(lock, true, why);
    }

    /** "lock 1a2b3c4d of host h (exclusive, 12m0s old)": no user name, no credential. */
    public String describe(Instant now) {
      ResticLock l = lock;
      String age =
          l.time() == null
              ? "of unknown age"
              : (l.time().isAfter(now)
                  ? "dated " + Durations.human(Duration.between(now, l.time())) + " ahead"
                  : Durations.human(Duration.between(l.time(), now)) + " old");
      return "lock "
          + l.shortId()
          + " of host "
          + (l.hostname() == null ? "?" : l.hostname())
          + " ("
          + (l.exclusive() ? "exclusive" : "shared")
          + ", "
          + age
          + ")";
    }
  }
}
