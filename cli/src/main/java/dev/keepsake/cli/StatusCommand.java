package dev.keepsake.cli;

import com.google.gson.JsonArray;
import dev.keepsake.api.ApiKind;
import dev.keepsake.api.BackupConfiguration;
import dev.keepsake.api.BackupSession;
import java.io.PrintWriter;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `status`: how one configuration, or every one of a namespace, stands. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Show how backups stand.",
      "The schedule in words, the next run, the last sessions and the last error. Without a name, "
          + "every configuration of the namespace; those with no success since the scheduled run before "
          + "the latest one are marked OVERDUE."
    },
    footer = {
      "",
      "Examples:",
      "  kubectl keepsake status -n shop",
      "  kubectl keepsake status redis-backup -n shop",
      "  kubectl keepsake status -A -o json"
    })
final class StatusCommand extends KeepsakeCommand {
  @Parameters(
      paramLabel = "CONFIGURATION",
      arity = "0..1",
      description = "One BackupConfiguration; all when left out.")
  String configuration;

  @Option(
      names = {"-A", "--all-namespaces"},
      description = "Every namespace.")
  boolean allNamespaces;

  @Mixin Output.Options output;

  @Override
  public Integer call() {
    OffsetDateTime now = OffsetDateTime.now();
    if (configuration != null) {
      if (allNamespaces) {
        throw CliException.usage(
            "a configuration name and -A do not go together; give -n NAMESPACE");
      }
      BackupConfiguration found =
          kube().get(ApiKind.BACKUP_CONFIGURATION, namespace(), configuration);
      ConfigurationView view =
          ConfigurationView.of(found, kube().list(ApiKind.BACKUP_SESSION, namespace()), now);
      if (output.format != Output.Format.table) {
        Output.print(out(), output.format, view.toJson());
      } else {
        describe(out(), view, now, clusterFlags());
      }
      return 0;
    }
    String scope = allNamespaces ? null : namespace();
    List<BackupConfiguration> configurations =
        new ArrayList<>(kube().list(ApiKind.BACKUP_CONFIGURATION, scope));
    configurations.sort(
        Comparator.comparing((BackupConfiguration c) -> c.getMetadata().getNamespace())
            .thenComparing(c -> c.getMetadata().getName()));
    List<BackupSession> sessions =
        configurations.isEmpty() ? List.of() : kube().list(ApiKind.BACKUP_SESSION, scope);
    List<ConfigurationView> views =
        configurations.stream().map(c -> ConfigurationView.of(c, sessions, now)).toList();
    if (output.format != Output.Format.table) {
      JsonArray items = new JsonArray();
      views.forEach(v -> items.add(v.toJson()));
      Output.print(out(), output.format, items);
      return 0;
    }
    if (views.isEmpty()) {
      out()
          .println(
              "No BackupConfigurations "
                  + (allNamespaces ? "in any namespace." : "in namespace " + namespace() + "."));
      out().flush();
      return 0;
    }
    List<String> header =
        new ArrayList<>(
            List.of("NAME", "SCHEDULE", "LAST SUCCESS", "LAST SESSION", "NEXT RUN", "STATE"));
    if (allNamespaces) {
      header.add(0, "NAMESPACE");
    }
    List<List<String>> rows = new ArrayList<>();
    for (ConfigurationView view : views) {
      BackupSession last = view.sessions().isEmpty() ? null : view.sessions().get(0);
      List<String> row =
          new ArrayList<>(
              List.of(
                  view.name(),
                  view.configuration().getSpec().getSchedule()
                      + view.schedule().map(s -> " " + s.zone().getId()).orElse(""),
                  view.lastSuccess() == null
                      ? "never"
                      : Output.age(view.lastSuccess(), now) + " ago",
                  last == null
                      ? "-"
                      : last.getMetadata().getName() + " " + Output.or(phaseText(last)),
                  view.nextRun() == null ? "-" : "in " + Output.age(now, view.nextRun()),
                  state(view)));
      if (allNamespaces) {
        row.add(0, view.configuration().getMetadata().getNamespace());
      }
      rows.add(row);
    }
    Output.table(out(), header, rows);
    return 0;
  }

  private static String phaseText(BackupSession session) {
    return ConfigurationView.phase(session) == null
        ? "Pending"
        : ConfigurationView.phase(session).name();
  }

  private static String state(ConfigurationView view) {
    if (view.paused()) {
      return "Paused";
    }
    if (view.ready().isPresent() && !"True".equals(view.ready().get().getStatus())) {
      return "NotReady (" + view.ready().get().getReason() + ")";
    }
    if (view.overdueSince().isPresent()) {
      return "OVERDUE: no success since "
          + Output.age(view.overdueSince().get(), view.now())
          + " ago";
    }
    return "OK";
  }

  static void describe(
      PrintWriter out, ConfigurationView view, OffsetDateTime now, String clusterFlags) {
    var spec = view.configuration().getSpec();
    out.println(
        "Configuration:  " + view.configuration().getMetadata().getNamespace() + "/" + view.name());
    out.println("Schedule:       " + view.scheduleInWords() + (view.paused() ? ", PAUSED" : ""));
    out.println(
        "Next run:       "
            + (view.paused() ? "none while paused" : Output.when(view.nextRun(), now)));
    out.println("Repository:     " + Output.or(view.repository()));
    out.println(
        "Target:         "
            + (spec.getTarget() == null || spec.getTarget().getRef() == null
                ? "-"
                : spec.getTarget().getRef().getKind() + " " + spec.getTarget().getRef().getName()));
    view.ready()
        .ifPresent(
            c ->
                out.println(
                    "Ready:          "
                        + c.getStatus()
                        + " ("
                        + c.getReason()
                        + "): "
                        + c.getMessage()));
    out.println(
        "Last success:   "
            + (view.lastSuccess() == null ? "never" : Output.when(view.lastSuccess(), now)));
    view.overdueSince()
        .ifPresent(
            due ->
                out.println(
                    "OVERDUE:        no successful backup since the run due "
                        + Output.when(due, now)));
    out.println();
    if (view.sessions().isEmpty()) {
      out.println(
          "No sessions yet (kubectl keepsake trigger " + view.name() + " " + clusterFlags + ").");
    } else {
      List<List<String>> rows =
          view.sessions().stream()
              .limit(ConfigurationView.SESSIONS_SHOWN)
              .map(
                  s -> {
                    var status = s.getStatus();
                    return List.of(
                        s.getMetadata().getName(),
                        Output.or(s.getSpec() == null ? null : s.getSpec().getTrigger()),
                        phaseText(s)
                            + (status != null
                                    && status.getReason() != null
                                    && status.getPhase() != null
                                    && status.getPhase() != dev.keepsake.api.SessionPhase.Succeeded
                                ? " (" + status.getReason() + ")"
                                : ""),
                        Output.age(s.getMetadata().getCreationTimestamp(), now),
                        Output.or(status == null ? null : status.getDuration()),
                        Output.or(status == null ? null : status.getSize()),
                        Output.or(status == null ? null : status.getSnapshotId()));
                  })
              .toList();
      Output.table(
          out, List.of("SESSION", "TRIGGER", "PHASE", "AGE", "DURATION", "SIZE", "SNAPSHOT"), rows);
    }
    view.lastFailure()
        .ifPresent(
            failed -> {
              out.println();
              out.println(
                  "Last error:     "
                      + failed.getMetadata().getName()
                      + " ("
                      + Output.or(failed.getStatus().getReason())
                      + "): "
                      + Output.or(failed.getStatus().getMessage()));
            });
    out.flush();
  }
}
