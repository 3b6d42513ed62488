package dev.keepsake.cli;

import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * kubectl keepsake: run, follow and inspect backups and restores without writing YAML. Installed on
 * PATH as kubectl-keepsake, it is both `kubectl keepsake ...` and `kubectl-keepsake ...`.
 */
@Command(
    name = "kubectl-keepsake",
    mixinStandardHelpOptions = true,
    version = "kubectl-keepsake 0.1.0",
    description = "Back up, restore and look after Keepsake backups from the command line.",
    footer = {
      "",
      "Examples:",
      "  kubectl keepsake status -n shop",
      "  kubectl keepsake trigger redis-backup -n shop",
      "  kubectl keepsake snapshots backups -n shop",
      "  kubectl keepsake restore redis-backup --snapshot 1a2b3c4d -n shop",
      "",
      "Exit status: 0 on success; 1 when the cluster refused, an object is missing,",
      "or a backup, restore or operation did not succeed; 2 for a command line that",
      "cannot be used."
    },
    subcommands = {
      TriggerCommand.class,
      PauseCommand.class,
      ResumeCommand.class,
      StatusCommand.class,
      SnapshotsCommand.class,
      RestoreCommand.class,
      LogsCommand.class,
      UnlockCommand.class,
      CheckCommand.class,
      CompletionCommand.class
    })
public final class KubectlKeepsake implements Runnable {
  @Mixin KubeOptions kube;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    // The launcher tells whether stdin and stdout are a terminal; run without it, the console says.
    boolean interactive =
        Boolean.parseBoolean(
            System.getProperty(
                "kubectl.keepsake.interactive", String.valueOf(System.console() != null)));
    System.exit(
        run(
            args,
            new Terminal(
                new PrintWriter(System.out, true),
                new PrintWriter(System.err, true),
                interactive,
                System.in,
                System.getenv())));
  }

  /** Runs one command line; the exit status is returned, nothing calls System.exit. */
  public static int run(String[] args, Terminal terminal) {
    if (args.length > 0 && args[0].equals(CompleteCommand.NAME)) {
      return new CompleteCommand(terminal)
          .run(java.util.Arrays.asList(args).subList(1, args.length));
    }
    CommandLine line = commandLine(terminal);
    return line.execute(args);
  }

  static CommandLine commandLine(Terminal terminal) {
    CommandLine line = new CommandLine(new KubectlKeepsake(), new TerminalFactory(terminal));
    line.setOut(terminal.out());
    line.setErr(terminal.err());
    line.setExecutionExceptionHandler(
        (failure, commandLine, parsed) -> {
          terminal.err().println("error: " + Failures.describe(failure));
          terminal.err().flush();
          return failure instanceof CliException cli ? cli.exitCode() : 1;
        });
    line.setParameterExceptionHandler(
        (failure, parsed) -> {
          terminal.err().println("error: " + failure.getMessage());
          terminal
              .err()
              .println(
                  "See '"
                      + failure.getCommandLine().getCommandSpec().qualifiedName()
                      + " --help'.");
          terminal.err().flush();
          return 2;
        });
    return line;
  }

  /** Gives every command the terminal it writes to (tests pass their own). */
  private record TerminalFactory(Terminal terminal) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> type) throws Exception {
      if (type == Terminal.class) {
        return type.cast(terminal);
      }
      K made = CommandLine.defaultFactory().create(type);
      if (made instanceof NeedsTerminal needs) {
        needs.use(terminal);
      }
      return made;
    }
  }

  /** A command that writes to the terminal or asks it questions. */
  interface NeedsTerminal {
    void use(Terminal terminal);
  }

  /** Where a command writes, whether a person watches, and what it can read. */
  public record Terminal(
      PrintWriter out,
      PrintWriter err,
      boolean interactive,
      java.io.InputStream in,
      Map<String, String> env) {}
}
