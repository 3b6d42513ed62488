package dev.keepsake.runner.command;

import dev.keepsake.runner.Log;
import dev.keepsake.runner.restic.Restic;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "unlock", description = {"Remove stale locks (restic's rule: not refreshed for 30 minutes, or their process",
    "gone on this host). Live locks stay unless --remove-all is given."})
final class UnlockCommand implements Callable<Integer> {
  @Mixin RepositoryOptions repository;

  @Option(names = "--remove-all", description = "Remove every lock, also those of running processes. Only when sure nothing runs.")
  boolean removeAll;

  @Override
  public Integer call() {
    try {
      Restic restic = Restic.open(repository.repository(), System.getenv(), repository.scratch);
      Log.useRedactor(restic.redactor());
      List<String> args = new ArrayList<>(List.of("unlock"));
      if (removeAll) {
        args.add("--remove-all");
      }
      restic.run(args).orThrow("restic unlock", restic.repository().displayLocation());
      Log.info("%s locks of %s", removeAll ? "removed all" : "removed the stale", restic.repository().displayLocation());
      return 0;
    } catch (RuntimeException failure) {
      Log.error("unlock failed: %s", failure.getMessage());
      return 1;
    }
  }
}
