package dev.keepsake.runner.command;

import dev.keepsake.runner.Log;
import dev.keepsake.runner.redis.RespFilter;
import java.io.IOException;
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
    return FilteredInput.run(command, (in, out) -> {
      if (filter.passesEverything()) {
        in.transferTo(out);
        return;
      }
      try {
        filter.filter(in, out);
      } catch (RespFilter.MalformedDump e) {
        throw new FilteredInput.BadInput(e.getMessage());
      }
      Log.info("kept %d and left out %d commands of the dump (database %s, keys %s)", filter.passed(), filter.dropped(),
          database, keyPattern);
    });
  }
}
