package dev.keepsake.runner.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class CommandsTest {
  @Test
  void eachSubcommandIsRegisteredUnderTheNameItDeclares() {
    Commands.SUBCOMMANDS.forEach(
        (name, command) ->
            assertEquals(name, command.get().getClass().getAnnotation(Command.class).name()));
  }

  @Test
  void aRunBuildsOnlyTheCommandItNames() {
    CommandLine line = Commands.line("restore", "--snapshot", "latest");
    assertEquals(java.util.Set.of("restore"), line.getSubcommands().keySet());
  }

  @Test
  void helpListsEveryCommand() {
    for (String[] args : new String[][] {{}, {"--help"}}) {
      CommandLine line = Commands.line(args);
      StringWriter out = new StringWriter();
      line.setOut(new PrintWriter(out));
      line.setErr(new PrintWriter(out));
      int exit = line.execute(args);
      assertEquals(Commands.SUBCOMMANDS.keySet(), line.getSubcommands().keySet());
      for (String name : Commands.SUBCOMMANDS.keySet()) {
        assertTrue(
            java.util.regex.Pattern.compile(
                    "(?m)^\\s+" + java.util.regex.Pattern.quote(name) + "\\s")
                .matcher(out.toString())
                .find(),
            "usage of " + String.join(" ", args) + " names " + name + ":\n" + out);
      }
      assertEquals(2 - 2 * args.length, exit, out.toString());
    }
  }

  @Test
  void aMistypedCommandIsRefusedWithTheNearestName() {
    StringWriter out = new StringWriter();
    CommandLine line = Commands.line("bakup");
    line.setErr(new PrintWriter(out));
    assertEquals(2, line.execute("bakup"));
    assertTrue(out.toString().contains("Did you mean: keepsake backup?"), out.toString());
  }
}
