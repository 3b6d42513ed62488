package dev.keepsake.cli;

import dev.keepsake.api.ApiKind;
import dev.keepsake.api.BackupConfiguration;
import dev.keepsake.api.NamespacedRef;
import dev.keepsake.api.Repository;
import dev.keepsake.api.RestoreSession;
import dev.keepsake.api.RestoreSessionSpec;
import dev.keepsake.api.RestoreTarget;
import dev.keepsake.api.SnapshotEntry;
import dev.keepsake.api.SnapshotSource;
import dev.keepsake.api.TargetRef;
import dev.keepsake.api.TaskRef;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `restore`: a RestoreSession of a chosen snapshot, asked for and followed. */
@Command(
    name = "restore",
    mixinStandardHelpOptions = true,
    description = {
      "Restore a snapshot into a target and follow it.",
      "Creates a RestoreSession and follows it until it ends. It overwrites the target's data, so "
          + "it asks first (--yes skips the question). Exit status 0 only when it Succeeded."
    },
    footer = {
      "",
      "FROM is a BackupConfiguration (its repository, target and Task are used), or a target of one:",
      "appbinding/NAME or pvc/CLAIM.",
      "",
      "Examples:",
      "  kubectl keepsake restore redis-backup --snapshot latest -n shop",
      "  kubectl keepsake restore redis-backup --snapshot 1a2b3c4d --to redis-copy -n shop",
      "  kubectl keepsake restore pvc/uploads --snapshot latest --include /target/invoices --yes"
    })
final class RestoreCommand extends KeepsakeCommand {
  private static final String LATEST = "latest";

  @Parameters(
      paramLabel = "FROM",
      description = "A BackupConfiguration, or appbinding/NAME or pvc/CLAIM that one backs up.")
  String from;

  @Option(
      names = "--snapshot",
      required = true,
      paramLabel = "ID|latest",
      description =
          "The snapshot: an id from `kubectl keepsake snapshots`, or latest (the newest of the target).")
  String snapshot;

  @Option(
      names = "--to",
      paramLabel = "TARGET",
      description =
          "Restore into another target of the namespace: an AppBinding name, or pvc/CLAIM (default: the backed-up one).")
  String to;

  @Option(
      names = "--include",
      paramLabel = "PATTERN",
      description =
          "Volume targets: restore only files matching this restic pattern, matched against the paths inside the snapshot, under /target for the built-in volume Tasks (repeatable).")
  List<String> include;

  @Option(
      names = "--target-path",
      paramLabel = "PATH",
      description = "Volume targets: write the files under this folder of the claim.")
  String targetPath;

  @Option(
      names = "--repository",
      paramLabel = "[NAMESPACE/]NAME",
      description =
          "The Repository (default: the configuration's); NAMESPACE/NAME for one shared from another namespace.")
  String repository;

  @Option(
      names = "--task",
      paramLabel = "NAME",
      description =
          "The restore Task (default: the configuration's backup Task with -backup- read as -restore-).")
  String task;

  @Option(
      names = "--name",
      paramLabel = "NAME",
      description = "The RestoreSession's name (default: <from>-restore-<time>).")
  String name;

  @Option(
      names = {"-y", "--yes"},
      description = "Do not ask before overwriting.")
  boolean yes;

  @Mixin Following following;

  @Override
  public Integer call() {
    if (!snapshot.matches("latest|[0-9a-f]{8,64}")) {
      throw CliException.usage(
          "--snapshot "
              + snapshot
              + ": give latest, or an id of 8 to 64 hex digits as"
              + " kubectl keepsake snapshots shows it");
    }
    BackupConfiguration configuration = configuration();
    TargetRef source =
        configuration != null
            ? configuration.getSpec().getTarget().getRef()
            : Targets.parse(from, "FROM", Targets.APP_BINDING);
    TargetRef into = to == null ? source : Targets.parse(to, "--to", source.getKind());
    if (!source.getKind().equals(into.getKind())) {
      throw CliException.usage(
          "--to "
              + to
              + ": a backup of "
              + Targets.describe(source)
              + " cannot be restored into a "
              + into.getKind()
              + "; name a "
              + source.getKind());
    }
    NamespacedRef repositoryRef = repositoryRef(configuration);
    String taskName = task != null ? task : restoreTaskOf(configuration);
    kube().get(ApiKind.TASK, namespace(), taskName);
    String sourceHost = Targets.host(namespace(), source);
    Optional<SnapshotEntry> listed = listed(repositoryRef, sourceHost);

    RestoreTarget target = new RestoreTarget();
    target.ref(into);
    if (include != null) {
      target.include(include);
    }
    if (targetPath != null) {
      target.targetPath(targetPath);
    }
    RestoreSessionSpec spec =
        new RestoreSessionSpec()
            .repository(repositoryRef)
            .snapshot(snapshot)
            .target(target)
            .task(new TaskRef().name(taskName));
    if (LATEST.equals(snapshot) && !sourceHost.equals(Targets.host(namespace(), into))) {
      spec.source(new SnapshotSource().host(sourceHost));
    }
    confirm(
        "This restores "
            + what(sourceHost, listed)
            + " from repository "
            + repositoryText(repositoryRef)
            + " into "
            + Targets.describe(into)
            + " of namespace "
            + namespace()
            + ", overwriting its data.",
        yes);
    String sessionName =
        name != null
            ? name
            : Sessions.name(
                configuration != null ? configuration.getMetadata().getName() : into.getName(),
                "restore");
    RestoreSession session =
        new RestoreSession()
            .metadata(new V1ObjectMeta().name(sessionName).namespace(namespace()))
            .spec(spec);
    kube().create(ApiKind.RESTORE_SESSION, session);
    out().println("restoresession " + sessionName + " created in namespace " + namespace());
    out().flush();
    return follow(
        following,
        "restoresession " + sessionName,
        () -> Sessions.lookAt(kube(), ApiKind.RESTORE_SESSION, namespace(), sessionName),
        "kubectl keepsake logs restoresession/" + sessionName + " " + clusterFlags());
  }

  /** --repository NAME or NAMESPACE/NAME, else the configuration's. */
  private NamespacedRef repositoryRef(BackupConfiguration configuration) {
    if (repository == null) {
      NamespacedRef configured = configuration.getSpec().getRepository();
      return new NamespacedRef().name(configured.getName()).namespace(configured.getNamespace());
    }
    String[] parts = repository.split("/", 2);
    return parts.length == 2
        ? new NamespacedRef().namespace(parts[0]).name(parts[1])
        : new NamespacedRef().name(repository);
  }

  private static String repositoryText(NamespacedRef ref) {
    return ref.getNamespace() == null ? ref.getName() : ref.getNamespace() + "/" + ref.getName();
  }

  /**
   * What the question names: the snapshot, with its host and time where the Repository lists it.
   */
  private String what(String sourceHost, Optional<SnapshotEntry> listed) {
    if (LATEST.equals(snapshot)) {
      return "the newest snapshot of "
          + sourceHost
          + listed
              .map(s -> " (" + s.getId() + ", " + s.getTime() + ")")
              .orElse(
                  " (none is listed in the Repository's status; the restore fails if the repository holds none)");
    }
    if (listed.isEmpty()) {
      return "snapshot " + snapshot + " (not listed in the Repository's status)";
    }
    SnapshotEntry entry = listed.get();
    return "snapshot "
        + snapshot
        + " ("
        + entry.getHost()
        + ", "
        + entry.getTime()
        + ")"
        + (sourceHost.equals(entry.getHost())
            ? ""
            : ", which is a snapshot of " + entry.getHost() + ", not of " + sourceHost + ",");
  }

  /**
   * The configuration FROM names, or the one that backs up the target FROM names; null when none is
   * needed.
   */
  private BackupConfiguration configuration() {
    if (!from.contains("/")) {
      return kube().get(ApiKind.BACKUP_CONFIGURATION, namespace(), from);
    }
    TargetRef target = Targets.parse(from, "FROM", Targets.APP_BINDING);
    List<BackupConfiguration> backingUp =
        kube().list(ApiKind.BACKUP_CONFIGURATION, namespace()).stream()
            .filter(
                c ->
                    c.getSpec().getTarget() != null
                        && c.getSpec().getTarget().getRef() != null
                        && target.getKind().equals(c.getSpec().getTarget().getRef().getKind())
                        && target.getName().equals(c.getSpec().getTarget().getRef().getName()))
            .toList();
    if (backingUp.size() == 1) {
      return backingUp.get(0);
    }
    if (repository == null || task == null) {
      throw new CliException(
          (backingUp.isEmpty()
                  ? "no BackupConfiguration of namespace " + namespace() + " backs up " + from
                  : backingUp.size()
                      + " BackupConfigurations back up "
                      + from
                      + " ("
                      + String.join(
                          ", ", backingUp.stream().map(c -> c.getMetadata().getName()).toList())
                      + ")")
              + ": name one as FROM, or give --repository and --task");
    }
    return null;
  }

  private static String restoreTaskOf(BackupConfiguration configuration) {
    String backup =
        configuration.getSpec().getTask() == null
            ? null
            : configuration.getSpec().getTask().getName();
    if (backup == null || !backup.contains("-backup")) {
      throw new CliException(
          "cannot tell the restore Task of configuration "
              + configuration.getMetadata().getName()
              + " (its Task is "
              + backup
              + "): give --task");
    }
    return backup.replaceFirst("-backup", "-restore");
  }

  /**
   * The snapshot as the Repository's status lists it; nothing when the user may not read the
   * Repository.
   */
  private Optional<SnapshotEntry> listed(NamespacedRef ref, String host) {
    Repository found;
    try {
      found =
          kube()
              .find(
                  ApiKind.REPOSITORY,
                  ref.getNamespace() == null ? namespace() : ref.getNamespace(),
                  ref.getName());
    } catch (CliException forbidden) {
      // The operator reads a shared Repository for the restore; the user need not be able to.
      return Optional.empty();
    }
    List<SnapshotEntry> snapshots =
        found == null || found.getStatus() == null || found.getStatus().getSnapshots() == null
            ? List.of()
            : found.getStatus().getSnapshots();
    if (LATEST.equals(snapshot)) {
      return snapshots.stream().filter(s -> host.equals(s.getHost())).findFirst();
    }
    List<SnapshotEntry> matching =
        snapshots.stream()
            .filter(
                s ->
                    s.getId() != null
                        && (s.getId().startsWith(snapshot) || snapshot.startsWith(s.getId())))
            .toList();
    return matching.size() == 1 ? Optional.of(matching.get(0)) : Optional.empty();
  }
}
