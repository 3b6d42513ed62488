package dev.keepsake.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** `completion`: prints the completion script of a shell. */
@Command(
    name = "completion",
    mixinStandardHelpOptions = true,
    description = {
      "Print the shell completion script for bash, zsh or fish.",
      "It completes commands, options and the names of configurations, repositories, sessions, "
          + "AppBindings, namespaces and contexts. `kubectl keepsake` completes too, with kubectl 1.26 "
          + "or newer and kubectl_complete-keepsake on PATH (installed beside kubectl-keepsake)."
    },
    footer = {
      "",
      "Examples:",
      "  source <(kubectl-keepsake completion bash)                  # in ~/.bashrc",
      "  source <(kubectl-keepsake completion zsh)                   # in ~/.zshrc",
      "  kubectl-keepsake completion fish > ~/.config/fish/completions/kubectl-keepsake.fish"
    })
final class CompletionCommand implements Callable<Integer> {
  enum Shell {
    bash,
    zsh,
    fish
  }

  @Parameters(paramLabel = "SHELL", description = "bash, zsh or fish.")
  Shell shell;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    try (InputStream script = CompletionCommand.class.getResourceAsStream("completion." + shell)) {
      if (script == null) {
        throw new IllegalStateException(
            "completion." + shell + " is missing from the plugin's jar");
      }
      spec.commandLine().getOut().print(new String(script.readAllBytes(), StandardCharsets.UTF_8));
      spec.commandLine().getOut().flush();
    }
    return 0;
  }
}
