package dev.keepsake.runner.command;

import dev.keepsake.runner.Log;
import dev.keepsake.runner.redis.RespFilter;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "redis-filter", sortOptions = false, description = {
    "Feed a command (redis-cli --pipe) the part of a RESP dump on stdin that a partial restore wants:",
    "one database, keys matching a pattern. Exits with the command's exit code."})
final class RedisFilterCommand implements Callable<Integer> {
  @Option(names = "--database", defaultValue = "all", description = "Only this database number, or 'all' (default).")
  String database;

  @Option(names = "--key-pattern", defaultValue = "*", description = "Only keys matching this Redis glob pattern. Default *.")
  String keyPattern;

  @Parameters(arity = "1..*", description = "The command that receives the filtered dump, after --.")
  List<String> command;

  @Override
  public Integer call() throws IOException, InterruptedException {
    RespFilter filter = new RespFilter(database.equals("all") ? null : Integer.valueOf(database), keyPattern);
    Process child = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.INHERIT)
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    Thread stopChild = new Thread(child::destroy);
    Runtime.getRuntime().addShutdownHook(stopChild);
    try (OutputStream toChild = child.getOutputStream()) {
      if (filter.passesEverything()) {
        System.in.transferTo(toChild);
      } else {
        filter.filter(System.in, toChild);
        Log.info("kept %d and left out %d commands of the dump (database %s, keys %s)", filter.passed(), filter.dropped(),
            database, keyPattern);
      }
    } catch (RespFilter.MalformedDump e) {
      child.destroy();
      child.waitFor();
      Log.error("the dump cannot be filtered: %s; the restore was stopped", e.getMessage());
      return 2;
    } catch (IOException e) {
      // The command stopped reading (it failed); its exit code and stderr say why.
      Log.warn("%s stopped reading the dump: %s", command.get(0), e.getMessage());
    }
    int exit = child.waitFor();
    Runtime.getRuntime().removeShutdownHook(stopChild);
    return exit;
  }
}
