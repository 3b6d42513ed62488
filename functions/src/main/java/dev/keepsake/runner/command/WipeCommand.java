package dev.keepsake.runner.command;

import dev.keepsake.runner.Log;
import dev.keepsake.runner.RunFailure;
import dev.keepsake.runner.restic.Restic;
import dev.keepsake.runner.restic.ResticException;
import dev.keepsake.runner.restic.ResticFailure;
import dev.keepsake.runner.restic.Snapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "wipe",
    sortOptions = false,
    description = {
      "Delete everything in the repository: every snapshot of every host, and the data they use.",
      "A local repository's folder is removed; on other backends only restic's config and key files remain."
    })
final class WipeCommand implements Callable<Integer> {
  /** What restic keeps at the top of a repository; a folder with anything else is not deleted. */
  private static final Set<String> RESTIC_ENTRIES =
      Set.of("config", "keys", "data", "index", "snapshots", "locks");

  private static final int IDS_PER_FORGET = 200;

  @Mixin RepositoryOptions repository;
  @Mixin ReportOptions report;

  @Option(
      names = "--confirm",
      required = true,
      paramLabel = "REPOSITORY_NAME",
      description =
          "The Repository's name again (as given by --repository-name), so nothing is wiped by mistake.")
  String confirm;

  @Override
  public Integer call() {
    RunReport run =
        report.runReport("wipe", "keepsake-repository", "repository", repository.name, null);
    try {
      if (!confirm.equals(repository.name)) {
        throw new IllegalArgumentException(
            "--confirm "
                + confirm
                + " does not name this repository ("
                + repository.name
                + "); nothing was deleted");
      }
      Restic restic = Restic.open(repository.repository(), System.getenv(), repository.scratch);
      Log.useRedactor(restic.redactor());
      String where = restic.repository().displayLocation();
      List<Snapshot> snapshots;
      try {
        restic.prepare(false);
        // Under the shared lock: a prune or backup running now fails the wipe before anything is
        // deleted (a local repository's folder goes at once).
        snapshots = restic.snapshotsLocked(null, List.of());
      } catch (ResticException e) {
        if (e.failure().reason() == ResticFailure.Reason.RepositoryNotFound
            || e.failure().reason() == ResticFailure.Reason.BucketNotFound) {
          return run.succeeded("there is no repository at " + where + "; nothing to wipe");
        }
        throw e;
      }
      if (restic.repository().type().equals("local")) {
        deleteLocalRepository(Path.of(restic.repository().location()));
        return run.succeeded(
            "deleted the repository at " + where + " with its " + snapshots.size() + " snapshots");
      }
      forgetAll(restic, snapshots, where);
      return run.succeeded(
          "removed all "
              + snapshots.size()
              + " snapshots at "
              + where
              + " and pruned their data; restic's config and key files remain");
    } catch (RuntimeException failure) {
      return run.failed(failure);
    }
  }

  private static void forgetAll(Restic restic, List<Snapshot> snapshots, String where) {
    for (int from = 0; from < snapshots.size(); from += IDS_PER_FORGET) {
      List<String> args = new ArrayList<>(List.of("forget"));
      snapshots
          .subList(from, Math.min(snapshots.size(), from + IDS_PER_FORGET))
          .forEach(s -> args.add(s.id()));
      restic.run(args).orThrow("restic forget", where);
      Log.info(
          "forgot %d of %d snapshots",
          Math.min(snapshots.size(), from + IDS_PER_FORGET), snapshots.size());
    }
    restic.run(List.of("prune")).orThrow("restic prune", where);
  }

  static void deleteLocalRepository(Path folder) {
    try (Stream<Path> entries = Files.list(folder)) {
      List<String> foreign =
          entries
              .map(p -> p.getFileName().toString())
              .filter(name -> !RESTIC_ENTRIES.contains(name))
              .sorted()
              .toList();
      if (!foreign.isEmpty()) {
        throw new RunFailure(
            "NotARepository",
            folder
                + " holds more than a restic repository ("
                + String.join(", ", foreign)
                + "); nothing was deleted");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (String entry : RESTIC_ENTRIES) {
      deleteTree(folder.resolve(entry));
    }
    try {
      Files.deleteIfExists(folder);
    } catch (IOException e) {
      // A mount point cannot be removed; an empty one is as wiped as it gets.
      Log.info("left the empty folder %s: %s", folder, e.getMessage());
    }
  }

  private static void deleteTree(Path path) {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> tree = Files.walk(path)) {
      for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
        // restic makes its files read-only; deleting needs write access to the folder only.
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete " + path + ": " + e.getMessage(), e);
    }
  }
}
