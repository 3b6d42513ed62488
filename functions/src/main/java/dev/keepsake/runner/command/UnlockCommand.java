package dev.keepsake.runner.command;

import dev.keepsake.runner.Log;
import dev.keepsake.runner.report.Metrics;
import dev.keepsake.runner.report.SessionStatus;
import dev.keepsake.runner.restic.Restic;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "unlock",
    description = {
      "Remove stale locks (restic's rule: not refreshed for 30 minutes, or their process",
      "gone on this host). Live locks stay unless --remove-all is given."
    })
final class UnlockCommand implements Callable<Integer> {
  @Mixin RepositoryOptions repository;
  @Mixin ReportOptions report;

  @Option(
      names = "--remove-all",
      description =
          "Remove every lock, also those of running processes. Only when sure nothing runs.")
  boolean removeAll;

  @Override
  public Integer call() {
    // Only the termination message: an unlock is no backup, it has no metrics of its own.
    RunReport run =
        new RunReport(
            "unlock",
            new Metrics(null, "keepsake-unlock", java.util.Map.of()),
            SessionStatus.forSession(report.namespace(), null, null),
            report.terminationLog());
    try {
      // Not repository.open(): it removes stale locks itself, and the count below is what the user
      // asked to see.
      Restic restic = Restic.open(repository.repository(), System.getenv(), repository.scratch);
      Log.useRedactor(restic.redactor());
      int before = restic.lockCountOrFail();
      List<String> args = new ArrayList<>(List.of("unlock"));
      if (removeAll) {
        args.add("--remove-all");
      }
      restic.run(args).orThrow("restic unlock", restic.repository().displayLocation());
      int after = restic.lockCountOrFail();
      String message =
          "removed "
              + Math.max(0, before - after)
              + " of "
              + before
              + " lock(s) of "
              + restic.repository().displayLocation()
              + (after > 0
                  ? "; " + after + " lock(s) remain, left alone: " + Restic.NOT_STALE
                  : "");
      return run.succeeded(message);
    } catch (RuntimeException failure) {
      return run.failed(failure);
    }
  }
}
