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
 * Any doubt counts as live. A lock is judged ended when its host is a Keepsake pod of a Job the
 * operator saw end with no pod left running, and of no Job still running. Otherwise it is judged
 * ended only when it was not refreshed for {@link #refreshWindow} (a running restic refreshes its
 * lock every 5 minutes, so this holds even for a runner the operator does not know of: an older
 * operator's Job, another Repository object on the same storage), it is older than this Job (with a
 * margin for clocks), and no Job that was running then can own it.
 */
public record RunnerPeers(
    Instant jobCreated, List<String> activeJobs, List<String> endedJobs, Duration refreshWindow) {
  /** When the operator created this Job, RFC 3339. */
  public static final String JOB_CREATED = "KEEPSAKE_JOB_CREATED";

  /** The other Jobs of the same repository that had not finished then, comma-separated. */
  public static final String ACTIVE_RUNNERS = "KEEPSAKE_ACTIVE_RUNNERS";

  /**
   * Jobs of the same repository that had ended, none of their pods left running, comma-separated.
   */
  public static final String ENDED_RUNNERS = "KEEPSAKE_ENDED_RUNNERS";

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

  /** The random characters Kubernetes appends to a Job's pods' names. */
  private static final int POD_SUFFIX = 5;

  /** A DNS subdomain, as Kubernetes requires of a Job's name. */
  private static final Pattern JOB_NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

  public RunnerPeers {
    activeJobs = List.copyOf(activeJobs);
    endedJobs = List.copyOf(endedJobs);
  }

  public RunnerPeers(Instant jobCreated, List<String> activeJobs) {
    this(jobCreated, activeJobs, List.of(), DEFAULT_REFRESH_WINDOW);
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
    Optional<List<String>> activeJobs = jobNames(active);
    if (activeJobs.isEmpty()) {
      // A list we cannot read could leave out a running Job: better no judgement at all.
      return Optional.empty();
    }
    // An unreadable list of ended Jobs only loses their quicker removal.
    List<String> endedJobs =
        jobNames(environment.getOrDefault(ENDED_RUNNERS, "")).orElse(List.of());
    return Optional.of(
        new RunnerPeers(jobCreated, activeJobs.get(), endedJobs, refreshWindow(environment)));
  }

  private static Optional<List<String>> jobNames(String commaSeparated) {
    List<String> names = new ArrayList<>();
    for (String name : commaSeparated.split(",", -1)) {
      String trimmed = name.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      if (!JOB_NAME.matcher(trimmed).matches()) {
        return Optional.empty();
      }
      names.add(trimmed);
    }
    return Optional.of(names);
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
    Optional<String> running = jobOwning(activeJobs, host);
    if (running.isPresent()) {
      return LockJudgement.kept(
          lock, "Job " + running.get() + " had not finished when this Job was made");
    }
    Optional<String> ended = endedJobOwning(host);
    if (ended.isPresent()) {
      return LockJudgement.ended(
          lock,
          "its Job " + ended.get() + " had ended, no pod of it running, when this Job was made");
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
    return LockJudgement.ended(
        lock, "older than this Job, and no Job running when this Job was made can own it");
  }

  /**
   * The ended Job whose pod has the hostname {@code host} for certain: its whole name, "-" and the
   * 5 characters Kubernetes adds. A prefix would not do: the ended keepsake-backup-orders would
   * claim the live keepsake-backup-orders-eu-x7k2p. A hostname of 63 characters may be any longer
   * Job's cut name, so a Job whose pods get one (a name of 57 characters or more) owns none.
   */
  private Optional<String> endedJobOwning(String host) {
    return endedJobs.stream()
        .filter(job -> job.length() < JOB_NAME_IN_HOSTNAME)
        .filter(
            job ->
                host.length() == job.length() + 1 + POD_SUFFIX
                    && host.startsWith(job + "-")
                    && host.substring(job.length() + 1)
                        .chars()
                        .allMatch(Character::isLetterOrDigit))
        .findFirst();
  }

  /** The first of {@code jobs} whose pods may have the hostname {@code host}. */
  private static Optional<String> jobOwning(List<String> jobs, String host) {
    return jobs.stream()
        .filter(
            job -> host.startsWith(job.substring(0, Math.min(JOB_NAME_IN_HOSTNAME, job.length()))))
        .findFirst();
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
