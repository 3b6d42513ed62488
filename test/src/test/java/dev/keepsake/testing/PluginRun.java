package dev.keepsake.testing;

import dev.keepsake.cli.KubectlKeepsake;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * `kubectl keepsake` run in this JVM as a user would type it, with what it printed and its exit
 * status.
 */
record PluginRun(int exit, String out, String err) {
  /**
   * A user at a terminal or a script, with a kubeconfig and whatever they type in answer to
   * questions.
   */
  record User(Path kubeconfig, boolean interactive, String typed) {
    static User script(Path kubeconfig) {
      return new User(kubeconfig, false, "");
    }

    User atTerminal(String typed) {
      return new User(kubeconfig, true, typed);
    }

    PluginRun run(String... args) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      Map<String, String> env = new HashMap<>();
      env.put("KUBECONFIG", kubeconfig.toString());
      env.put("HOME", System.getProperty("java.io.tmpdir"));
      env.put("KUBECTL_KEEPSAKE_POLL", "300ms");
      int exit =
          KubectlKeepsake.run(
              args,
              new KubectlKeepsake.Terminal(
                  new PrintWriter(out, true),
                  new PrintWriter(err, true),
                  interactive,
                  new ByteArrayInputStream(typed.getBytes(StandardCharsets.UTF_8)),
                  env));
      return new PluginRun(exit, out.toString(), err.toString());
    }
  }

  /** The rows of a table the plugin printed, split on its column gaps, without the header. */
  List<List<String>> rows() {
    List<List<String>> rows = new ArrayList<>();
    List<String> lines = out.lines().filter(line -> !line.isBlank()).toList();
    for (String line : lines.subList(1, lines.size())) {
      rows.add(List.of(line.trim().split(" {3,}")));
    }
    return rows;
  }

  @Override
  public String toString() {
    return "exit " + exit + "\n--- out\n" + out + "--- err\n" + err;
  }
}
