package dev.keepsake.cli;

import dev.keepsake.api.ApiKind;
import dev.keepsake.api.BackupConfiguration;
import java.time.Duration;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** `pause`: stops a configuration's schedule until `resume`. */
@Command(
    name = "pause",
    mixinStandardHelpOptions = true,
    description = {
      "Stop a configuration's schedule.",
      "Its CronJob is suspended and sessions made meanwhile are Skipped. Snapshots already taken stay. It returns once the "
          + "operator has seen the change."
    },
    footer = {"", "Example:", "  kubectl keepsake pause redis-backup -n shop"})
final class PauseCommand extends KeepsakeCommand {
  /** How long to wait for the operator to see a pause or resume before saying it has not. */
  private static final Duration OBSERVED_WITHIN = Duration.ofSeconds(15);

  @Parameters(paramLabel = "CONFIGURATION", description = "The BackupConfiguration to pause.")
  String configuration;

  @Override
  public Integer call() {
    return setPaused(this, configuration, true);
  }

  /**
   * Sets spec.paused and waits until the operator's status names that generation, so that a trigger
   * right after a resume is not Skipped on the operator's older view of the configuration.
   */
  static int setPaused(KeepsakeCommand command, String configuration, boolean paused) {
    BackupConfiguration changed =
        command
            .kube()
            .mergePatch(
                ApiKind.BACKUP_CONFIGURATION,
                command.namespace(),
                configuration,
                "{\"spec\":{\"paused\":" + paused + "}}");
    long generation =
        changed.getMetadata().getGeneration() == null ? 0 : changed.getMetadata().getGeneration();
    boolean observed = awaitObserved(command, configuration, generation);
    command
        .out()
        .println(
            "backupconfiguration "
                + configuration
                + (paused ? " paused" : " resumed")
                + " in namespace "
                + command.namespace());
    if (!observed) {
      command
          .out()
          .println(
              "note: the operator has not seen the change within "
                  + OBSERVED_WITHIN.toSeconds()
                  + " s; it takes effect when it does (is the operator running?)");
    }
    command.out().flush();
    return 0;
  }

  private static boolean awaitObserved(
      KeepsakeCommand command, String configuration, long generation) {
    Instant deadline = Instant.now().plus(OBSERVED_WITHIN);
    while (true) {
      BackupConfiguration seen =
          command.kube().get(ApiKind.BACKUP_CONFIGURATION, command.namespace(), configuration);
      Long observed = seen.getStatus() == null ? null : seen.getStatus().getObservedGeneration();
      if (observed != null && observed >= generation) {
        return true;
      }
      if (Instant.now().isAfter(deadline)) {
        return false;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }
}
