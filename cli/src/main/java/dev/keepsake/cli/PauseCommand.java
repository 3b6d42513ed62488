package dev.keepsake.cli;

import dev.keepsake.api.ApiKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "pause", mixinStandardHelpOptions = true,
    description = {"Stop a configuration's schedule.",
        "Its CronJob is suspended and sessions made meanwhile are Skipped. Snapshots already taken stay."},
    footer = {"", "Example:", "  kubectl keepsake pause redis-backup -n shop"})
final class PauseCommand extends KeepsakeCommand {
  @Parameters(paramLabel = "CONFIGURATION", description = "The BackupConfiguration to pause.")
  String configuration;

  @Override
  public Integer call() {
    return setPaused(this, configuration, true);
  }

  static int setPaused(KeepsakeCommand command, String configuration, boolean paused) {
    command.kube().mergePatch(ApiKind.BACKUP_CONFIGURATION, command.namespace(), configuration,
        "{\"spec\":{\"paused\":" + paused + "}}");
    command.out().println("backupconfiguration " + configuration + (paused ? " paused" : " resumed") + " in namespace "
        + command.namespace());
    command.out().flush();
    return 0;
  }
}
