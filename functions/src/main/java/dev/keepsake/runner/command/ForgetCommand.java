package dev.keepsake.runner.command;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.keepsake.api.BackupSessionStatus;
import dev.keepsake.api.RetentionResult;
import dev.keepsake.runner.Log;
import dev.keepsake.runner.RunFailure;
import dev.keepsake.runner.restic.Restic;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "forget",
    sortOptions = false,
    description =
        "Apply a retention policy to this target's snapshots only (its host and tags); others are never touched.")
final class ForgetCommand implements Callable<Integer> {
  @Mixin RepositoryOptions repository;
  @Mixin TargetOptions target;
  @Mixin ReportOptions report;

  @Option(names = "--keep-last")
  Integer keepLast;

  @Option(names = "--keep-hourly")
  Integer keepHourly;

  @Option(names = "--keep-daily")
  Integer keepDaily;

  @Option(names = "--keep-weekly")
  Integer keepWeekly;

  @Option(names = "--keep-monthly")
  Integer keepMonthly;

  @Option(names = "--keep-yearly")
  Integer keepYearly;

  @Option(names = "--keep-tag", description = "Keep snapshots with this tag (repeatable).")
  List<String> keepTags = new ArrayList<>();

  @Option(names = "--prune", description = "Also remove the data no snapshot needs any more.")
  boolean prune;

  @Option(names = "--dry-run", description = "Only say what would be removed.")
  boolean dryRun;

  @Option(
      names = "--policy-name",
      description = "The retention policy's name, told with the outcome.")
  String policyName;

  @Override
  public Integer call() {
    RunReport run =
        report.runReport(
            "retention",
            "keepsake-backup",
            "configuration",
            report.configuration != null ? report.configuration : target.host,
            "backupsessions");
    try {
      List<String> policy = policyFlags();
      if (policy.isEmpty()) {
        // A configuration without a retention policy keeps everything; its Task's retention step
        // says so.
        BackupSessionStatus results = new BackupSessionStatus();
        RepositoryUsageReport.add(results, repository, report, target.host);
        return run.succeeded(
            "no retention policy: every snapshot of " + target.host + " is kept", results);
      }
      Restic restic = repository.open(System.getenv());
      Log.useRedactor(restic.redactor());
      List<String> args = new ArrayList<>(List.of("forget", "--json", "--host", target.host));
      target.tags().forEach(tag -> args.addAll(List.of("--tag", tag)));
      args.addAll(policy);
      boolean pruning = prune && !restic.removedUnjudgedLocks();
      if (pruning) {
        args.add("--prune");
      }
      if (dryRun) {
        args.add("--dry-run");
      }
      Restic.Result result =
          restic.run(args).orThrow("restic forget", restic.repository().displayLocation());
      int[] keptRemoved = count(result.stdout());
      BackupSessionStatus results =
          new BackupSessionStatus()
              .retention(
                  new RetentionResult()
                      .kept(keptRemoved[0])
                      .removed(dryRun ? 0 : keptRemoved[1])
                      .pruned(pruning && !dryRun));
      RepositoryUsageReport.add(results, restic, repository.name, report, target.host);
      run.metrics()
          .gauge(
              "keepsake_retention_kept_snapshots",
              "Snapshots of the target kept by the last retention run",
              keptRemoved[0])
          .gauge(
              "keepsake_retention_removed_snapshots",
              "Snapshots of the target removed by the last retention run",
              dryRun ? 0 : keptRemoved[1]);
      return run.succeeded(
          (dryRun ? "would remove " : "removed ")
              + keptRemoved[1]
              + " and kept "
              + keptRemoved[0]
              + " snapshots of "
              + target.host
              + (pruning && !dryRun ? ", and pruned unused data" : "")
              + (prune && !pruning
                  ? "; the prune was left for a later run: the locks changed while those of"
                      + " ended runners were removed, and a restic process may have lost its lock"
                  : "")
              + (policyName == null ? "" : " (retention policy " + policyName + ")"),
          results);
    } catch (RuntimeException failure) {
      return run.failed(failure);
    }
  }

  private List<String> policyFlags() {
    List<String> flags = new ArrayList<>();
    add(flags, "--keep-last", keepLast);
    add(flags, "--keep-hourly", keepHourly);
    add(flags, "--keep-daily", keepDaily);
    add(flags, "--keep-weekly", keepWeekly);
    add(flags, "--keep-monthly", keepMonthly);
    add(flags, "--keep-yearly", keepYearly);
    keepTags.forEach(tag -> flags.addAll(List.of("--keep-tag", tag)));
    return flags;
  }

  private static void add(List<String> flags, String flag, Integer value) {
    if (value != null) {
      if (value < 0) {
        throw new IllegalArgumentException(flag + " cannot be negative: " + value);
      }
      flags.addAll(List.of(flag, value.toString()));
    }
  }

  /** Kept and removed counts from forget's JSON (prune's plain text may follow it). */
  static int[] count(String stdout) {
    String json =
        stdout
            .lines()
            .filter(line -> line.startsWith("["))
            .findFirst()
            .orElseThrow(
                () -> new RunFailure("ResticFailed", "restic forget printed no JSON result"));
    int kept = 0;
    int removed = 0;
    for (JsonElement group : JsonParser.parseString(json).getAsJsonArray()) {
      JsonObject g = group.getAsJsonObject();
      kept += size(g.get("keep"));
      removed += size(g.get("remove"));
    }
    return new int[] {kept, removed};
  }

  private static int size(JsonElement element) {
    return element instanceof JsonArray array ? array.size() : 0;
  }
}
