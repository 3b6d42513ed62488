package dev.keepsake.runner.command;

import dev.keepsake.runner.Log;
import dev.keepsake.runner.restic.Restic;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "check",
    description =
        "Check the repository's integrity (restic check), optionally reading a subset of the data.")
final class CheckCommand implements Callable<Integer> {
  @Mixin RepositoryOptions repository;
  @Mixin ReportOptions report;

  @Option(
      names = "--read-data-subset",
      description = "Also read this part of the data, e.g. 10% or 1/5.")
  String readDataSubset;

  @Override
  public Integer call() {
    RunReport run =
        report.runReport("check", "keepsake-check", "repository", repository.name, null);
    try {
      Restic restic = repository.open(System.getenv());
      Log.useRedactor(restic.redactor());
      List<String> args = new ArrayList<>(List.of("check"));
      if (readDataSubset != null) {
        args.addAll(List.of("--read-data-subset", readDataSubset));
      }
      restic.run(args).orThrow("restic check", restic.repository().displayLocation());
      return run.succeeded(
          "the repository "
              + restic.repository().displayLocation()
              + " has no errors"
              + (readDataSubset == null ? "" : " (data subset " + readDataSubset + " read)"));
    } catch (RuntimeException failure) {
      return run.failed(failure);
    }
  }
}
