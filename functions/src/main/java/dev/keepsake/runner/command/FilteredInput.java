package dev.keepsake.runner.command;

import dev.keepsake.runner.Log;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/** Runs a restore command with this process's stdin, filtered, as its stdin; its output is ours. */
final class FilteredInput {
  /**
   * Copies a dump from one stream to the other, leaving out what a partial restore does not want.
   */
  @FunctionalInterface
  interface Filter {
    void copy(InputStream in, OutputStream out) throws IOException;
  }

  /**
   * The filter found the input is not what it should be: the command is stopped, not fed half a
   * dump.
   */
  static final class BadInput extends IOException {
    BadInput(String message) {
      super(message);
    }
  }

  private FilteredInput() {}

  /** Returns the command's exit code, or 2 when the input could not be filtered. */
  static int run(List<String> command, Filter filter) throws IOException, InterruptedException {
    Process child =
        new ProcessBuilder(command)
            .redirectOutput(ProcessBuilder.Redirect.INHERIT)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    Thread stopChild = new Thread(child::destroy);
    Runtime.getRuntime().addShutdownHook(stopChild);
    try (OutputStream toChild = child.getOutputStream()) {
      filter.copy(System.in, toChild);
    } catch (BadInput e) {
      child.destroy();
      child.waitFor();
      Log.error("the dump cannot be filtered: %s; the restore was stopped", e.getMessage());
      return 2;
    } catch (IOException e) {
      // The command stopped reading (it failed); its exit code and stderr say why.
      Log.warn("%s stopped reading its input: %s", command.get(0), e.getMessage());
    }
    int exit = child.waitFor();
    Runtime.getRuntime().removeShutdownHook(stopChild);
    return exit;
  }
}
