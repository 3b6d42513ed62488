package dev.keepsake.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** `resume`: runs a paused configuration on its schedule again. */
@Command(
    name = "resume",
    mixinStandardHelpOptions = true,
    description = "Run a paused configuration on its schedule again.",
    footer = {"", "Example:", "  kubectl keepsake resume redis-backup -n shop"})
final class ResumeCommand extends KeepsakeCommand {
  @Parameters(paramLabel = "CONFIGURATION", description = "The BackupConfiguration to resume.")
  String configuration;

  @Override
  public Integer call() {
    return PauseCommand.setPaused(this, configuration, false);
  }
}
