package dev.keepsake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CompletionTest {
  private final List<String> asked = new ArrayList<>();

  private String complete(String... words) {
    CommandLine root =
        KubectlKeepsake.commandLine(
            new KubectlKeepsake.Terminal(
                new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()),
                false,
                new ByteArrayInputStream(new byte[0]),
                Map.of()));
    return Completion.complete(
            root,
            List.of(words),
            (kind, scope) -> {
              asked.add(kind + " " + scope.namespace() + " " + scope.context());
              return switch (kind) {
                case CONFIGURATION -> List.of("redis-backup", "postgres-backup");
                case REPOSITORY -> List.of("backups");
                case NAMESPACE -> List.of("default", "shop");
                default -> List.of();
              };
            })
        .text();
  }

  @Test
  void theFirstWordIsACommandWithItsSummary() {
    assertThat(complete(""))
        .startsWith("trigger\tBack up now and follow the backup.\npause\t")
        .endsWith(":4\n")
        .doesNotContain("help\t");
    assertThat(complete("re"))
        .isEqualTo(
            "resume\tRun a paused configuration on its schedule again.\n"
                + "restore\tRestore a snapshot into a target and follow it.\n:4\n");
  }

  @Test
  void aCommandsParameterIsANameOfItsKindInTheNamespaceTheLineGives() {
    assertThat(complete("trigger", "-n", "shop", "re")).isEqualTo("redis-backup\n:4\n");
    assertThat(asked).containsExactly("CONFIGURATION shop null");
    assertThat(complete("--context", "prod", "check", "")).isEqualTo("backups\n:4\n");
    assertThat(asked).contains("REPOSITORY null prod");
    assertThat(complete("trigger", "redis-backup", "")).as("one name only").isEqualTo(":4\n");
  }

  @Test
  void optionsAndTheirValues() {
    assertThat(complete("snapshots", "--t"))
        .isEqualTo(
            "--target\tOnly this target of the namespace: an AppBinding name, or pvc/<claim>; --host for another namespace's.\n"
                + "--tag\tOnly snapshots with this tag (repeatable: all must match).\n:4\n");
    assertThat(complete("status", "-o", "y")).isEqualTo("yaml\n:4\n");
    assertThat(complete("status", "--namespace", "")).isEqualTo("default\nshop\n:4\n");
    assertThat(complete("restore", "redis-backup", "--snapshot", "")).startsWith("latest\t");
    assertThat(complete("completion", "")).isEqualTo("bash\nzsh\nfish\n:4\n");
    assertThat(complete("status", "--kubeconfig", ""))
        .as("file names from the shell")
        .isEqualTo(":0\n");
    assertThat(complete("status", "--output=j")).isEqualTo("--output=json\n:4\n");
    assertThat(complete("--namespace=s")).isEqualTo("--namespace=shop\n:4\n");
  }
}
