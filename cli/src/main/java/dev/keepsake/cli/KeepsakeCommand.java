package dev.keepsake.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ParentCommand;

/** What every command shares: the cluster, the terminal, questions before destructive steps. */
abstract class KeepsakeCommand implements Callable<Integer>, KubectlKeepsake.NeedsTerminal {
  @ParentCommand KubectlKeepsake parent;
  private KubectlKeepsake.Terminal terminal;
  private Kube kube;

  @Override
  public void use(KubectlKeepsake.Terminal terminal) {
    this.terminal = terminal;
  }

  Kube kube() {
    if (kube == null) {
      kube = Kube.connect(parent.kube, terminal.env());
    }
    return kube;
  }

  String namespace() {
    return kube().namespace();
  }

  /**
   * The cluster flags of this command line, for commands the user is told to run next: "-n shop
   * --context prod".
   */
  String clusterFlags() {
    StringBuilder flags = new StringBuilder("-n ").append(namespace());
    if (parent.kube.context != null) {
      flags.append(" --context ").append(parent.kube.context);
    }
    if (parent.kube.kubeconfig != null) {
      flags.append(" --kubeconfig ").append(parent.kube.kubeconfig);
    }
    return flags.toString();
  }

  KubectlKeepsake.Terminal terminal() {
    return terminal;
  }

  PrintWriter out() {
    return terminal.out();
  }

  PrintWriter err() {
    return terminal.err();
  }

  /** Follows with a look every second; KUBECTL_KEEPSAKE_POLL (e.g. 300ms) changes it. */
  Follower follower() {
    String poll = terminal.env().getOrDefault("KUBECTL_KEEPSAKE_POLL", "1s");
    Duration every;
    try {
      every =
          poll.endsWith("ms")
              ? Duration.ofMillis(Long.parseLong(poll.substring(0, poll.length() - 2)))
              : dev.keepsake.api.Durations.parse(poll);
    } catch (IllegalArgumentException notADuration) {
      every = Duration.ofSeconds(1);
    }
    return new Follower(out(), terminal.interactive(), every, columns());
  }

  /**
   * Follows what was just started until it ends, unless --no-wait; exit status 0 only when it
   * Succeeded. {@code next} is the command that looks closer at a failure.
   */
  int follow(
      Following following,
      String what,
      java.util.function.Supplier<Follower.Seen> look,
      String next) {
    if (following.noWait) {
      return 0;
    }
    Follower.Seen end = follower().follow(look, following.timeout);
    return Sessions.report(out(), err(), what, end, next);
  }

  /** The terminal's width, as the launcher or $COLUMNS tells it; 80 when nothing does. */
  private int columns() {
    String columns = System.getProperty("kubectl.keepsake.columns", "");
    if (columns.isEmpty()) {
      columns = terminal.env().getOrDefault("COLUMNS", "");
    }
    return columns.matches("\\d{2,4}") ? Integer.parseInt(columns) : 80;
  }

  /** Asks on the terminal; without one, only --yes goes ahead. */
  void confirm(String question, boolean yes) {
    if (yes) {
      return;
    }
    if (!terminal.interactive()) {
      throw new CliException(
          question + " Not confirmed: no terminal to ask on; add --yes to go ahead");
    }
    out().print(question + " [y/N] ");
    out().flush();
    try {
      String answer =
          new BufferedReader(new InputStreamReader(terminal.in(), StandardCharsets.UTF_8))
              .readLine();
      if (answer == null || !answer.trim().toLowerCase(Locale.ROOT).matches("y|yes")) {
        throw new CliException("not confirmed; nothing was changed");
      }
    } catch (java.io.IOException e) {
      throw new CliException("cannot read the answer: " + e.getMessage());
    }
  }
}
