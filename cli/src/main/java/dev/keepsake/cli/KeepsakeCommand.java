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
    Duration every = poll.endsWith("ms") ? Duration.ofMillis(Long.parseLong(poll.substring(0, poll.length() - 2)))
        : dev.keepsake.api.Durations.parse(poll);
    return new Follower(out(), terminal.interactive(), every);
  }

  /** The --timeout of a following command: null for none. */
  static Duration timeout(String text) {
    if (text == null) {
      return null;
    }
    try {
      return dev.keepsake.api.Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw CliException.usage("--timeout: " + e.getMessage());
    }
  }

  /** Asks on the terminal; without one, only --yes goes ahead. */
  void confirm(String question, boolean yes) {
    if (yes) {
      return;
    }
    if (!terminal.interactive()) {
      throw new CliException(question + " Not confirmed: no terminal to ask on; add --yes to go ahead");
    }
    out().print(question + " [y/N] ");
    out().flush();
    try {
      String answer = new BufferedReader(new InputStreamReader(terminal.in(), StandardCharsets.UTF_8)).readLine();
      if (answer == null || !answer.trim().toLowerCase(Locale.ROOT).matches("y|yes")) {
        throw new CliException("not confirmed; nothing was changed");
      }
    } catch (java.io.IOException e) {
      throw new CliException("cannot read the answer: " + e.getMessage());
    }
  }
}
