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
import dev.keepsake.api.Target;
import dev.keepsake.api.TargetRef;
import dev.keepsake.api.TaskRef;
import dev.keepsake.desired.SnapshotIdentity;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "restore", mixinStandardHelpOptions = true,
    description = {"Restore a snapshot into a target and follow it.",
        "Creates a RestoreSession and follows it until it ends. It overwrites the target's data, so "
            + "it asks first (--yes skips the question). Exit status 0 only when it Succeeded."},
    footer = {"", "FROM is a BackupConfiguration (its repository, target and Task are used), or a target of one:",
        "appbinding/NAME or pvc/CLAIM.", "", "Examples:",
        "  kubectl keepsake restore redis-backup --snapshot latest -n shop",
        "  kubectl keepsake restore redis-backup --snapshot 1a2b3c4d --to redis-copy -n shop",
        "  kubectl keepsake restore pvc/uploads --snapshot latest --path /invoices --target-path /restored --yes"})
final class RestoreCommand extends KeepsakeCommand {
  @Parameters(paramLabel = "FROM", description = "A BackupConfiguration, or appbinding/NAME or pvc/CLAIM that one backs up.")
  String from;

  @Option(names = "--snapshot", required = true, paramLabel = "ID|latest",
      description = "The snapshot: an id from `kubectl keepsake snapshots`, or latest (the newest of the target).")
  String snapshot;

  @Option(names = "--to", paramLabel = "TARGET",
      description = "Restore into another target of the namespace: an AppBinding name, or pvc/CLAIM (default: the backed-up one).")
  String to;

  @Option(names = "--path", paramLabel = "PATH", description = "Volume targets: restore only this path of the snapshot (repeatable).")
  List<String> paths;

  @Option(names = "--target-path", paramLabel = "PATH", description = "Volume targets: write the files under this folder of the claim.")
  String targetPath;

  @Option(names = "--repository", paramLabel = "NAME", description = "The Repository (default: the configuration's).")
  String repository;

  @Option(names = "--task", paramLabel = "NAME",
      description = "The restore Task (default: the configuration's backup Task with -backup- read as -restore-).")
  String task;

  @Option(names = "--name", paramLabel = "NAME", description = "The RestoreSession's name (default: <from>-restore-<time>).")
  String name;

  @Option(names = {"-y", "--yes"}, description = "Do not ask before overwriting.")
  boolean yes;

  @Option(names = "--no-wait", description = "Create the session and return without following it.")
  boolean noWait;

  @Option(names = "--timeout", paramLabel = "DURATION", description = "Stop following after this long; the restore goes on.")
  String timeout;

  @Override
  public Integer call() {
    BackupConfiguration configuration = configuration();
    TargetRef source = configuration != null ? configuration.getSpec().getTarget().getRef() : parseTarget(from, "FROM");
    TargetRef into = to == null ? source : parseTarget(to, "--to");
    String repositoryName = repository != null ? repository : configuration.getSpec().getRepository().getName();
    String repositoryNamespace = repository != null || configuration.getSpec().getRepository().getNamespace() == null
        ? namespace() : configuration.getSpec().getRepository().getNamespace();
    Repository found = kube().get(ApiKind.REPOSITORY, repositoryNamespace, repositoryName);
    String taskName = task != null ? task : restoreTaskOf(configuration);
    kube().get(ApiKind.TASK, namespace(), taskName);
    Target sourceTarget = new Target().ref(source);
    String sourceHost = SnapshotIdentity.host(namespace(), sourceTarget);
    Optional<SnapshotEntry> listed = listed(found, sourceHost);

    RestoreTarget target = new RestoreTarget();
    target.ref(into);
    if (paths != null) {
      target.paths(paths);
    }
    if (targetPath != null) {
      target.targetPath(targetPath);
    }
    RestoreSessionSpec spec = new RestoreSessionSpec()
        .repository(new NamespacedRef().name(repositoryName).namespace(repository == null ? configurationRepositoryNamespace(configuration) : null))
        .snapshot(snapshot)
        .target(target)
        .task(new TaskRef().name(taskName));
    if ("latest".equals(snapshot) && !Objects.equals(source.getName(), into.getName())) {
      spec.source(new SnapshotSource().host(sourceHost));
    }
    String what = "latest".equals(snapshot)
        ? "the newest snapshot of " + sourceHost + listed.map(s -> " (" + s.getId() + ", " + s.getTime() + ")").orElse("")
        : "snapshot " + snapshot + listed.map(s -> " (" + s.getHost() + ", " + s.getTime() + ")").orElse("");
    confirm("This restores " + what + " from repository " + repositoryName + " into " + into.getKind() + " " + namespace() + "/"
        + into.getName() + ", overwriting its data.", yes);
    String sessionName = name != null ? name : Sessions.name(configuration != null ? configuration.getMetadata().getName()
        : into.getName(), "restore");
    RestoreSession session = new RestoreSession().metadata(new V1ObjectMeta().name(sessionName).namespace(namespace())).spec(spec);
    kube().create(ApiKind.RESTORE_SESSION, session);
    out().println("restoresession " + sessionName + " created in namespace " + namespace());
    out().flush();
    if (noWait) {
      return 0;
    }
    Follower.Seen end = follower().follow(() -> Sessions.lookAt(kube(), ApiKind.RESTORE_SESSION, namespace(), sessionName),
        timeout(timeout));
    return Sessions.report(out(), err(), "restoresession " + sessionName, end,
        "kubectl keepsake logs restoresession/" + sessionName + " -n " + namespace());
  }

  private static String configurationRepositoryNamespace(BackupConfiguration configuration) {
    return configuration == null ? null : configuration.getSpec().getRepository().getNamespace();
  }

  /** The configuration FROM names, or the one that backs up the target FROM names; null when none is needed. */
  private BackupConfiguration configuration() {
    if (!from.contains("/")) {
      return kube().get(ApiKind.BACKUP_CONFIGURATION, namespace(), from);
    }
    TargetRef target = parseTarget(from, "FROM");
    List<BackupConfiguration> backingUp = kube().list(ApiKind.BACKUP_CONFIGURATION, namespace()).stream()
        .filter(c -> c.getSpec().getTarget() != null && c.getSpec().getTarget().getRef() != null
            && target.getKind().equals(c.getSpec().getTarget().getRef().getKind())
            && target.getName().equals(c.getSpec().getTarget().getRef().getName()))
        .toList();
    if (backingUp.size() == 1) {
      return backingUp.get(0);
    }
    if (repository == null || task == null) {
      throw new CliException((backingUp.isEmpty() ? "no BackupConfiguration of namespace " + namespace() + " backs up " + from
          : backingUp.size() + " BackupConfigurations back up " + from + " ("
              + String.join(", ", backingUp.stream().map(c -> c.getMetadata().getName()).toList()) + ")")
          + ": name one as FROM, or give --repository and --task");
    }
    return null;
  }

  private static TargetRef parseTarget(String text, String option) {
    String[] parts = text.split("/", 2);
    if (parts.length == 1) {
      return new TargetRef().apiGroup("keepsake.dev").kind("AppBinding").name(text);
    }
    String kind = switch (parts[0].toLowerCase(java.util.Locale.ROOT)) {
      case "appbinding", "appbindings" -> "AppBinding";
      case "pvc", "persistentvolumeclaim", "persistentvolumeclaims" -> "PersistentVolumeClaim";
      default -> throw CliException.usage(option + " " + text + ": the kind must be appbinding or pvc");
    };
    return new TargetRef().apiGroup("AppBinding".equals(kind) ? "keepsake.dev" : "").kind(kind).name(parts[1]);
  }

  private static String restoreTaskOf(BackupConfiguration configuration) {
    String backup = configuration.getSpec().getTask() == null ? null : configuration.getSpec().getTask().getName();
    if (backup == null || !backup.contains("-backup")) {
      throw new CliException("cannot tell the restore Task of configuration " + configuration.getMetadata().getName()
          + " (its Task is " + backup + "): give --task");
    }
    return backup.replaceFirst("-backup", "-restore");
  }

  private Optional<SnapshotEntry> listed(Repository repository, String host) {
    List<SnapshotEntry> snapshots = repository.getStatus() == null || repository.getStatus().getSnapshots() == null ? List.of()
        : repository.getStatus().getSnapshots();
    if ("latest".equals(snapshot)) {
      return snapshots.stream().filter(s -> host.equals(s.getHost())).findFirst();
    }
    return snapshots.stream().filter(s -> s.getId() != null && (s.getId().startsWith(snapshot) || snapshot.startsWith(s.getId())))
        .findFirst();
  }
}
