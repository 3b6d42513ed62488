package dev.keepsake.cli;

import dev.keepsake.api.OperationRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "unlock", mixinStandardHelpOptions = true,
    description = {"Remove a repository's stale locks.",
        "Stale locks are those of processes that are gone; locks of live backups stay. It runs as a "
            + "Job in the cluster with the Repository's credentials, and is followed until it ends. --all "
            + "removes every lock, also those of backups that still run, after a question (--yes skips "
            + "it)."},
    footer = {"", "Examples:", "  kubectl keepsake unlock backups -n shop", "  kubectl keepsake unlock backups --all --yes -n shop"})
final class UnlockCommand extends RepositoryOperationCommand {
  @Option(names = "--all", description = "Remove every lock, also those of running processes. Only when sure nothing runs.")
  boolean all;

  @Option(names = {"-y", "--yes"}, description = "With --all: do not ask first.")
  boolean yes;

  @Override
  OperationRequest request() {
    if (all) {
      confirm("This removes every lock of repository " + repository + " in namespace " + namespace()
          + ", also those of backups, checks or prunes that may still run, which can then corrupt it.", yes);
    }
    return new OperationRequest().operation(OperationRequest.UNLOCK).removeAll(all ? Boolean.TRUE : null);
  }
}
