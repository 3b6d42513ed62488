package dev.keepsake.cli;

import dev.keepsake.api.OperationRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `check`: a restic check of a repository, run by the operator as a Job and followed. */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description = {
      "Check a repository's integrity.",
      "Runs restic check as a Job in the cluster with the Repository's credentials, and follows "
          + "it until it ends. Exit status 0 only when the check passed."
    },
    footer = {
      "",
      "Examples:",
      "  kubectl keepsake check backups -n shop",
      "  kubectl keepsake check backups --read-data-subset 10% -n shop"
    })
final class CheckCommand extends RepositoryOperationCommand {
  @Option(
      names = "--read-data-subset",
      paramLabel = "SUBSET",
      description =
          "Also read this part of the data: a percentage (10%), a part (1/5) or a size (500M).")
  String readDataSubset;

  @Override
  OperationRequest request() {
    return new OperationRequest().operation(OperationRequest.CHECK).readDataSubset(readDataSubset);
  }
}
