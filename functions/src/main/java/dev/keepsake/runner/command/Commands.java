package dev.keepsake.runner.command;

import dev.keepsake.runner.Log;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The command tree of `keepsake`. */
@Command(
    name = "keepsake",
    mixinStandardHelpOptions = true,
    version = "keepsake 0.1.0",
    description =
        "Streams backups into restic repositories and restores them, reporting to Kubernetes and a Pushgateway.",
    subcommands = {
      BackupCommand.class,
      RestoreCommand.class,
      ForgetCommand.class,
      CheckCommand.class,
      UnlockCommand.class,
      TriggerCommand.class,
      WipeCommand.class,
      RedisDumpCommand.class,
      RedisLoadCommand.class,
      PostgresFilterCommand.class,
      MariadbFilterCommand.class,
      PostgresDumpCommand.class,
      MariadbDumpCommand.class
    })
public final class Commands {
  private Commands() {}

  public static CommandLine line() {
    CommandLine line = new CommandLine(new Commands());
    line.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          Log.error("%s", e.getMessage());
          return 1;
        });
    return line;
  }
}
