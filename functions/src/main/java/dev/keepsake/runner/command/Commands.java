package dev.keepsake.runner.command;

import dev.keepsake.runner.Log;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The command tree of `keepsake`. */
@Command(
    name = "keepsake",
    mixinStandardHelpOptions = true,
    version = "keepsake 0.1.0",
    description =
        "Streams backups into restic repositories and restores them, reporting to Kubernetes and a Pushgateway.")
public final class Commands {
  /**
   * By name, as each declares it in its {@code @Command}. Building the model of one command costs
   * picocli about 15 ms of reflection; a run builds only the one it was asked for (the model of all
   * thirteen was most of the 0.3 s before a backup's restic started).
   */
  static final Map<String, Supplier<Object>> SUBCOMMANDS = new LinkedHashMap<>();

  static {
    SUBCOMMANDS.put("backup", BackupCommand::new);
    SUBCOMMANDS.put("restore", RestoreCommand::new);
    SUBCOMMANDS.put("forget", ForgetCommand::new);
    SUBCOMMANDS.put("check", CheckCommand::new);
    SUBCOMMANDS.put("unlock", UnlockCommand::new);
    SUBCOMMANDS.put("trigger", TriggerCommand::new);
    SUBCOMMANDS.put("wipe", WipeCommand::new);
    SUBCOMMANDS.put("redis-dump", RedisDumpCommand::new);
    SUBCOMMANDS.put("redis-load", RedisLoadCommand::new);
    SUBCOMMANDS.put("postgres-filter", PostgresFilterCommand::new);
    SUBCOMMANDS.put("mariadb-filter", MariadbFilterCommand::new);
    SUBCOMMANDS.put("postgres-dump", PostgresDumpCommand::new);
    SUBCOMMANDS.put("mariadb-dump", MariadbDumpCommand::new);
  }

  private Commands() {}

  /** The command line for these arguments: every subcommand only when the first names none. */
  public static CommandLine line(String... args) {
    CommandLine line = new CommandLine(new Commands());
    Supplier<Object> asked = args.length > 0 ? SUBCOMMANDS.get(args[0]) : null;
    if (asked != null) {
      line.addSubcommand(args[0], asked.get());
    } else {
      SUBCOMMANDS.forEach((name, command) -> line.addSubcommand(name, command.get()));
    }
    line.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          Log.error("%s", e.getMessage());
          return 1;
        });
    return line;
  }
}
