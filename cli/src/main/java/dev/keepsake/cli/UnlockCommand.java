package dev.keepsake.cli;

import dev.keepsake.api.OperationRequest;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `unlock`: removes a repository's stale locks, or every lock after a question. */
@Command(
    name = "unlock",
    mixinStandardHelpOptions = true,
    description = {
      "Remove a repository's stale locks.",
      "It runs restic unlock as a Job in the cluster with the Repository's credentials, and follows it. restic removes "
          + "a lock of a process on the Job's own host that is gone, and another host's lock only once it has not been "
          + "refreshed for 30 minutes: a backup pod killed a minute ago leaves a lock that only --all removes now. --all "
          + "removes every lock, also those of backups that still run, after a question (--yes skips it)."
    },
    footer = {
      "",
      "Examples:",
      "  kubectl keepsake unlock backups -n shop",
      "  kubectl keepsake unlock backups --all --yes -n shop"
    })
final class UnlockCommand extends RepositoryOperationCommand {
  @Option(
      names = "--all",
      description =
          "Remove every lock, also those of running processes. Only when sure nothing runs.")
  boolean all;

  @Option(
      names = {"-y", "--yes"},
      description = "With --all: do not ask first.")
  boolean yes;

  @Override
  OperationRequest request() {
    return new OperationRequest()
        .operation(OperationRequest.UNLOCK)
        .removeAll(all ? Boolean.TRUE : null);
  }

  @Override
  void confirmBefore() {
    if (all) {
      confirm(
          "This removes every lock of repository "
              + repository
              + " in namespace "
              + namespace()
              + ", also those of backups, checks or prunes that may still run, which can then corrupt it.",
          yes);
    }
  }

  @Override
  Optional<String> afterwards(String message) {
    if (all || message == null || !message.contains("remain")) {
      return Optional.empty();
    }
    return Optional.of(
        "note: if nothing runs on this repository (kubectl keepsake status -A), the remaining locks are those of"
            + " pods that are gone: kubectl keepsake unlock "
            + repository
            + " --all "
            + clusterFlags());
  }
}
