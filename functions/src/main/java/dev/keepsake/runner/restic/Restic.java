package dev.keepsake.runner.restic;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.keepsake.restic.ResticRepository;
import dev.keepsake.runner.Log;
import dev.keepsake.runner.Redactor;
import dev.keepsake.runner.process.ExternalProgram;
import dev.keepsake.runner.restic.RunnerPeers.LockJudgement;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Runs restic against one repository, with the repository's environment and flags. */
public final class Restic {
  private final ResticRepository repository;
  private final Map<String, String> environment;
  private final List<String> globalFlags;
  private final String executable;
  private final Redactor redactor;
  private final Optional<RunnerPeers> peers;
  private volatile boolean removedUnjudgedLocks;

  private Restic(
      ResticRepository repository,
      Map<String, String> environment,
      List<String> globalFlags,
      String executable,
      Redactor redactor,
      Optional<RunnerPeers> peers) {
    this.repository = repository;
    this.environment = environment;
    this.globalFlags = globalFlags;
    this.executable = executable;
    this.redactor = redactor;
    this.peers = peers;
  }

  /**
   * Prepares restic's environment from the runner's own (where the repository Secret arrived by
   * envFrom/secretKeyRef). Fails with MissingCredentials before restic runs when a key is absent.
   */
  public static Restic open(
      ResticRepository repository, Map<String, String> runnerEnvironment, Path scratch) {
    List<String> missing = repository.missingSecretKeys(runnerEnvironment);
    if (!missing.isEmpty()) {
      throw new ResticException(
          new ResticFailure(
              ResticFailure.Reason.MissingCredentials,
              "missing credentials for the "
                  + repository.type()
                  + " repository "
                  + repository.displayLocation()
                  + ": the repository Secret has no "
                  + String.join(", ", missing)));
    }
    Map<String, String> environment = new HashMap<>(runnerEnvironment);
    environment.put("RESTIC_REPOSITORY", repository.locationWithCredentials(runnerEnvironment));
    List<String> flags = new ArrayList<>(repository.flags());
    repository
        .fileSecretKeys()
        .forEach(
            (key, target) -> {
              String value = runnerEnvironment.get(key);
              if (value == null || value.isBlank()) {
                return;
              }
              Path file = writePrivateFile(scratch, key, value);
              if (target.startsWith("--")) {
                flags.addAll(List.of(target, file.toString()));
              } else {
                environment.put(target, file.toString());
              }
            });
    String executable = runnerEnvironment.getOrDefault("KEEPSAKE_RESTIC", "restic");
    String withCredentials = environment.get("RESTIC_REPOSITORY");
    Redactor redactor =
        Redactor.forEnvironment(
            runnerEnvironment,
            withCredentials.equals(repository.location()) ? List.of() : List.of(withCredentials));
    return new Restic(
        repository,
        Map.copyOf(environment),
        List.copyOf(flags),
        executable,
        redactor,
        peers(runnerEnvironment));
  }

  private static Optional<RunnerPeers> peers(Map<String, String> runnerEnvironment) {
    Optional<RunnerPeers> peers = RunnerPeers.fromEnvironment(runnerEnvironment);
    if (peers.isEmpty()
        && (runnerEnvironment.containsKey(RunnerPeers.JOB_CREATED)
            || runnerEnvironment.containsKey(RunnerPeers.ACTIVE_RUNNERS))) {
      Log.warn(
          "%s and %s are missing or cannot be read; locks are removed by restic's own rule only",
          RunnerPeers.JOB_CREATED, RunnerPeers.ACTIVE_RUNNERS);
    }
    return peers;
  }

  public ResticRepository repository() {
    return repository;
  }

  public Redactor redactor() {
    return redactor;
  }

  public Map<String, String> environment() {
    return environment;
  }

  /** restic's argv for a subcommand, with the repository's global flags. */
  public List<String> command(List<String> arguments) {
    List<String> argv = new ArrayList<>();
    argv.add(executable);
    argv.addAll(globalFlags);
    argv.addAll(arguments);
    return argv;
  }

  /**
   * Makes sure the repository can be used: it exists (or is created when {@code initialize}), the
   * password opens it, and stale locks left by dead processes are gone.
   */
  public void prepare(boolean initialize) {
    // One call answers three questions: does the repository exist, does the password open it, and
    // are there locks to look at. Each extra restic call costs a repository open.
    Result locks = run(List.of("list", "locks", "--no-lock"));
    if (!locks.succeeded()) {
      ResticFailure failure =
          bucketMissing()
              ? new ResticFailure(
                  ResticFailure.Reason.BucketNotFound,
                  "the bucket of " + repository.displayLocation() + " does not exist")
              : locks.failure("restic list locks", repository.displayLocation());
      boolean absent =
          failure.reason() == ResticFailure.Reason.RepositoryNotFound
              || failure.reason() == ResticFailure.Reason.BucketNotFound;
      if (!absent) {
        throw new ResticException(failure);
      }
      if (!initialize) {
        throw new ResticException(
            new ResticFailure(
                failure.reason(),
                failure.message()
                    + ", and the Repository does not allow initializing it (spec.initialize is false)"));
      }
      Log.info("initializing a new restic repository at %s", repository.displayLocation());
      run(List.of("init")).orThrow("restic init", repository.displayLocation());
      return;
    }
    int lockCount = count(locks);
    if (lockCount > 0) {
      removeStaleLocks(lockCount);
    }
  }

  /**
   * Repairs what kept restic from opening the repository, when that can be repaired: a repository
   * that does not exist yet is initialized (if allowed), stale locks and those of ended runners are
   * removed. Returns false when the failure is of another kind, or was not repaired.
   */
  public boolean repair(ResticFailure failure, boolean initialize) {
    switch (failure.reason()) {
      case RepositoryNotFound, BucketNotFound -> {
        prepare(initialize);
        return true;
      }
      case RepositoryLocked -> {
        return removeStaleLocks() > 0;
      }
      default -> {
        return false;
      }
    }
  }

  /**
   * For S3 only: restic reports a missing bucket like an empty one ("key does not exist"), but an
   * anonymous GET on the bucket answers NoSuchBucket. No credential is sent.
   */
  private boolean bucketMissing() {
    if (repository.bucketUrl() == null) {
      return false;
    }
    try {
      java.net.HttpURLConnection connection =
          (java.net.HttpURLConnection)
              java.net.URI.create(repository.bucketUrl()).toURL().openConnection();
      connection.setConnectTimeout(5000);
      connection.setReadTimeout(5000);
      if (connection.getResponseCode() != 404 || connection.getErrorStream() == null) {
        return false;
      }
      try (var body = connection.getErrorStream()) {
        return new String(body.readNBytes(4096), StandardCharsets.UTF_8).contains("NoSuchBucket");
      }
    } catch (IOException | IllegalArgumentException cannotTell) {
      return false;
    }
  }

  /**
   * restic unlock without --remove-all removes only locks restic itself judges stale (not refreshed
   * for 30 minutes, or made on this host by a process that is gone). When the operator said which
   * runners were active, the locks left after that are judged too: those of Keepsake runners that
   * have ended are removed. Live locks stay and are named. Returns how many locks were removed.
   */
  public int removeStaleLocks() {
    return removeStaleLocks(lockCount());
  }

  /** The same, when the locks were just counted: each listing opens the repository again. */
  private int removeStaleLocks(int before) {
    Result unlock = run(List.of("unlock"));
    if (!unlock.succeeded()) {
      Log.warn(
          "could not remove stale locks: %s",
          unlock.failure("restic unlock", repository.displayLocation()).message());
      return 0;
    }
    List<String> remaining = lockIds();
    int removed = Math.max(0, before - remaining.size());
    if (removed > 0) {
      Log.info(
          "removed %d stale lock(s) of dead processes from %s",
          removed, repository.displayLocation());
    }
    if (remaining.isEmpty()) {
      return removed;
    }
    if (peers.isEmpty()) {
      Log.info(
          "%d lock(s) remain on %s and were left alone: %s",
          remaining.size(), repository.displayLocation(), NOT_STALE);
      return removed;
    }
    return removed + removeEndedRunnersLocks(peers.get(), remaining);
  }

  /**
   * restic has no command to remove one lock, only all of them: so the locks go only when every one
   * is an ended runner's. Otherwise each lock that stays is named with the reason.
   */
  private int removeEndedRunnersLocks(RunnerPeers peers, List<String> ids) {
    String location = repository.displayLocation();
    // Each lock is read by a restic call of its own (a repository open), and one live lock keeps
    // them all: the reading stops at the first that stays.
    List<LockJudgement> judged = new ArrayList<>();
    LockJudgement live = null;
    for (String id : ids) {
      LockJudgement judgement = judge(peers, id);
      judged.add(judgement);
      if (!judgement.ended()) {
        live = judgement;
        break;
      }
    }
    if (live != null) {
      Log.info("%s on %s stays: %s", live.describe(Instant.now()), location, live.why());
      int ended = judged.size() - 1;
      int unread = ids.size() - judged.size();
      Log.info(
          "%d lock(s) remain on %s and were left alone%s%s",
          ids.size(),
          location,
          ids.size() == 1
              ? ""
              : ": restic removes locks only all at once, so one live lock keeps them all",
          (ended == 0
                  ? ""
                  : "; "
                      + ended
                      + " of ended runners ("
                      + hosts(judged.subList(0, ended))
                      + ") stay too")
              + (unread == 0 ? "" : "; " + unread + " more were not read"));
      return 0;
    }
    // A runner that began while the locks were read would lose its lock to --remove-all, and a
    // prune could then delete what it is writing: the list must be the one judged.
    if (!Set.copyOf(lockIds()).equals(Set.copyOf(ids))) {
      Log.info("the locks on %s changed while they were judged, and were left alone", location);
      return 0;
    }
    Result removeAll = run(List.of("unlock", "--remove-all"));
    if (!removeAll.succeeded()) {
      Log.warn(
          "could not remove the locks of ended runners: %s",
          removeAll.failure("restic unlock", location).message());
      return 0;
    }
    Log.info(
        "removed %d lock(s) of Keepsake runners that have ended from %s (hosts: %s)",
        judged.size(), location, hosts(judged));
    OptionalInt removed = removedCount(removeAll.stdout());
    // Any other count means the locks changed after the last listing: another runner may have
    // removed the judged ones, and a process that locked meanwhile lost its lock.
    if (removed.isPresent() && removed.getAsInt() != judged.size()) {
      removedUnjudgedLocks = true;
      Log.warn(
          "restic removed %d locks from %s (%d judged): the locks changed in the meantime, and a"
              + " restic process that began then may have lost its lock (it takes a new one when it"
              + " refreshes it, within 5 minutes), so this run does not prune",
          removed.getAsInt(), location, judged.size());
    }
    return Math.max(judged.size(), removed.orElse(0));
  }

  private static final Pattern REMOVED_LOCKS = Pattern.compile("successfully removed (\\d+) locks");

  /** How many locks `restic unlock` says it removed; restic before 0.17 does not say. */
  static OptionalInt removedCount(String unlockOutput) {
    Matcher matcher = REMOVED_LOCKS.matcher(unlockOutput);
    return matcher.find()
        ? OptionalInt.of(Integer.parseInt(matcher.group(1)))
        : OptionalInt.empty();
  }

  /**
   * Whether the locks restic removed were not the ones judged (a process may have locked the
   * repository between the last listing and the removal): its data may then be unprotected, and a
   * prune must wait for a later run.
   */
  public boolean removedUnjudgedLocks() {
    return removedUnjudgedLocks;
  }

  private LockJudgement judge(RunnerPeers peers, String id) {
    Result cat = run(List.of("cat", "lock", id, "--no-lock"));
    ResticLock unread = new ResticLock(id, null, false, null, null, null);
    if (!cat.succeeded()) {
      // Most likely refreshed by its runner (restic writes a new lock and removes the old one).
      return LockJudgement.kept(unread, "it could not be read, it may have just been refreshed");
    }
    try {
      return peers.judge(ResticLock.parse(id, cat.stdout()));
    } catch (IllegalArgumentException unreadable) {
      return LockJudgement.kept(unread, "it could not be read: " + unreadable.getMessage());
    }
  }

  private static String hosts(List<LockJudgement> judged) {
    return judged.stream()
        .map(judgement -> judgement.lock().hostname())
        .filter(java.util.Objects::nonNull)
        .distinct()
        .sorted()
        .collect(Collectors.joining(", "));
  }

  /**
   * Why restic leaves a lock: its process runs on this host, or it is another host's (another
   * pod's) and was refreshed within restic's 30 minutes, which restic cannot tell from a live one.
   */
  public static final String NOT_STALE =
      "restic judges them live (a running process on this host, or another host's lock "
          + "refreshed within the last 30 minutes)";

  /**
   * The repository's locks, failing when restic cannot list them (a count of 0 would then be a
   * guess).
   */
  public int lockCountOrFail() {
    Result locks = run(List.of("list", "locks", "--no-lock"));
    locks.orThrow("restic list locks", repository.displayLocation());
    return count(locks);
  }

  public int lockCount() {
    return lockIds().size();
  }

  /** The ids of the repository's locks; none when restic cannot list them. */
  private List<String> lockIds() {
    Result locks = run(List.of("list", "locks", "--no-lock"));
    return locks.succeeded()
        ? locks.stdout().lines().map(String::trim).filter(line -> !line.isEmpty()).toList()
        : List.of();
  }

  private static int count(Result list) {
    return (int) list.stdout().lines().filter(line -> !line.isBlank()).count();
  }

  /**
   * The snapshots of a host and tags (null and empty: all), oldest first. A listing changes
   * nothing, so it takes no lock (restic waits a moment after taking one, to see concurrent
   * lockers).
   */
  public List<Snapshot> snapshots(String host, List<String> tags) {
    return snapshots(host, tags, false);
  }

  /**
   * The same listing under restic's shared lock, for a caller about to read data: an exclusive lock
   * (a prune running, or one left behind) fails it before anything has started.
   */
  public List<Snapshot> snapshotsLocked(String host, List<String> tags) {
    return snapshots(host, tags, true);
  }

  private List<Snapshot> snapshots(String host, List<String> tags, boolean locked) {
    List<String> args = new ArrayList<>(List.of("snapshots", "--json"));
    if (!locked) {
      args.add("--no-lock");
    }
    if (host != null) {
      args.addAll(List.of("--host", host));
    }
    if (tags != null && !tags.isEmpty()) {
      args.addAll(List.of("--tag", String.join(",", tags)));
    }
    Result result = run(args).orThrow("restic snapshots", repository.displayLocation());
    JsonElement parsed = JsonParser.parseString(result.stdout().isBlank() ? "[]" : result.stdout());
    List<Snapshot> snapshots = new ArrayList<>();
    for (JsonElement element : parsed.isJsonArray() ? parsed.getAsJsonArray() : new JsonArray()) {
      JsonObject s = element.getAsJsonObject();
      snapshots.add(
          new Snapshot(
              s.get("id").getAsString(),
              s.get("short_id").getAsString(),
              s.get("time").getAsString(),
              s.has("hostname") ? s.get("hostname").getAsString() : "",
              strings(s.get("tags")),
              strings(s.get("paths")),
              s.has("original") ? s.get("original").getAsString() : null,
              bytesProcessed(s)));
    }
    snapshots.sort(Comparator.comparing(Snapshot::time));
    return snapshots;
  }

  private static long bytesProcessed(JsonObject snapshot) {
    if (!snapshot.has("summary") || !snapshot.get("summary").isJsonObject()) {
      return -1;
    }
    JsonObject summary = snapshot.getAsJsonObject("summary");
    return summary.has("total_bytes_processed")
        ? summary.get("total_bytes_processed").getAsLong()
        : -1;
  }

  /**
   * Adds tags to a snapshot and returns its new id (short if {@code snapshotId} is): restic stores
   * a tagged copy and removes the original. `restic tag` needs an exclusive lock, so a lock held by
   * another live backup is waited out for a while. On failure the snapshot stays as it was, and its
   * id is returned.
   */
  public String addTags(String snapshotId, List<String> tags) {
    if (tags.isEmpty()) {
      return snapshotId;
    }
    List<String> args = new ArrayList<>(List.of("tag"));
    tags.forEach(tag -> args.addAll(List.of("--add", tag)));
    args.add(snapshotId);
    Result tagged =
        runWaitingOutLocks(args, "add the counts to snapshot " + Snapshot.shortId(snapshotId));
    if (!tagged.succeeded()) {
      Log.warn(
          "could not add the counts to snapshot %s as tags: %s",
          snapshotId, tagged.failure("restic tag", repository.displayLocation()).message());
      return snapshotId;
    }
    // Only snapshots that now carry these tags can be the tagged copy: no listing of the whole
    // repository. restic backup's summary gives the short id; listings give full ones.
    return snapshots(null, tags).stream()
        .filter(
            s ->
                (s.original() != null && s.original().startsWith(snapshotId))
                    || s.id().startsWith(snapshotId))
        .map(s -> snapshotId.length() < s.id().length() ? s.shortId() : s.id())
        .reduce((first, second) -> second)
        .orElse(snapshotId);
  }

  /**
   * Removes one snapshot that must not stay: restic 0.17 saves a snapshot even when it could not
   * read its input (exit code 3). No prune: its data, if any, goes with the next one. Returns
   * whether it was removed.
   */
  public boolean forgetSnapshot(String snapshotId) {
    Result forgot =
        runWaitingOutLocks(
            List.of("forget", snapshotId),
            "remove the incomplete snapshot " + Snapshot.shortId(snapshotId));
    if (!forgot.succeeded()) {
      Log.warn(
          "could not remove the incomplete snapshot %s: %s",
          snapshotId, forgot.failure("restic forget", repository.displayLocation()).message());
    }
    return forgot.succeeded();
  }

  /**
   * Runs a call that needs an exclusive lock ({@code restic tag}, {@code forget}), waiting out
   * another live process's lock for a while.
   */
  private Result runWaitingOutLocks(List<String> args, String purpose) {
    Duration wait = Duration.ofSeconds(2);
    java.time.Instant giveUp = java.time.Instant.now().plus(LOCK_PATIENCE);
    while (true) {
      Result result = run(args);
      if (result.succeeded()
          || result.failure("restic " + args.get(0), repository.displayLocation()).reason()
              != ResticFailure.Reason.RepositoryLocked
          || java.time.Instant.now().isAfter(giveUp)) {
        return result;
      }
      Log.info(
          "waiting for another process's lock on %s to %s", repository.displayLocation(), purpose);
      try {
        Thread.sleep(wait.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return result;
      }
      wait =
          wait.multipliedBy(2).compareTo(Duration.ofSeconds(30)) > 0
              ? Duration.ofSeconds(30)
              : wait.multipliedBy(2);
    }
  }

  private static final Duration LOCK_PATIENCE = Duration.ofMinutes(5);

  /** The newest snapshot of this host and tags, never another target's; read without a lock. */
  public Optional<Snapshot> latest(String host, List<String> tags) {
    List<Snapshot> snapshots = snapshots(host, tags);
    return snapshots.isEmpty()
        ? Optional.empty()
        : Optional.of(snapshots.get(snapshots.size() - 1));
  }

  /** How many snapshots the whole repository holds and how many bytes it stores (all hosts). */
  public RepositoryStats repositoryStats() {
    Result stats =
        run(List.of("stats", "--mode", "raw-data", "--json", "--no-lock"))
            .orThrow("restic stats", repository.displayLocation());
    JsonObject parsed = JsonParser.parseString(stats.stdout().trim()).getAsJsonObject();
    return new RepositoryStats(
        parsed.get("snapshots_count").getAsInt(), parsed.get("total_size").getAsLong());
  }

  /** The repository as a whole: snapshot count and stored (deduplicated, compressed) bytes. */
  public record RepositoryStats(int snapshots, long storedBytes) {}

  /** The size of a snapshot's files once restored, for a restore's progress percentage. */
  public java.util.OptionalLong restoreSize(String snapshotId) {
    Result stats =
        run(List.of("stats", snapshotId, "--mode", "restore-size", "--json", "--no-lock"));
    if (!stats.succeeded() || stats.stdout().isBlank()) {
      return java.util.OptionalLong.empty();
    }
    JsonObject parsed = JsonParser.parseString(stats.stdout().trim()).getAsJsonObject();
    return parsed.has("total_size")
        ? java.util.OptionalLong.of(parsed.get("total_size").getAsLong())
        : java.util.OptionalLong.empty();
  }

  public Result run(List<String> arguments) {
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ExternalProgram program =
        ExternalProgram.start(
            "restic " + arguments.get(0),
            command(arguments),
            environment,
            in -> in.transferTo(stdout),
            null);
    program.closeStdin();
    int exit = program.awaitExit(Duration.ofDays(1)).orElse(-1);
    return new Result(
        exit, stdout.toString(StandardCharsets.UTF_8), redactor.redact(program.stderrTail()));
  }

  /** A finished restic call. */
  public record Result(int exitCode, String stdout, String stderr) {
    public boolean succeeded() {
      return exitCode == 0;
    }

    public ResticFailure failure(String what, String location) {
      return ResticFailure.of(what, exitCode, stderr, location);
    }

    public Result orThrow(String what, String location) {
      if (!succeeded()) {
        throw new ResticException(failure(what, location));
      }
      return this;
    }
  }

  private static List<String> strings(JsonElement element) {
    return element == null || !element.isJsonArray()
        ? List.of()
        : new Gson()
            .fromJson(element, new com.google.gson.reflect.TypeToken<List<String>>() {}.getType());
  }

  private static Path writePrivateFile(Path scratch, String key, String value) {
    try {
      Files.createDirectories(scratch);
      Path file =
          Files.createTempFile(
              scratch,
              key.toLowerCase(java.util.Locale.ROOT) + "-",
              ".secret",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, value);
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + key + " for restic into " + scratch, e);
    }
  }
}
