package dev.keepsake.cli;

import com.google.gson.JsonArray;
import dev.keepsake.api.ApiKind;
import dev.keepsake.api.Manifests;
import dev.keepsake.api.Repository;
import dev.keepsake.api.SnapshotEntry;
import java.time.OffsetDateTime;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `snapshots`: a repository's snapshots as the operator lists them, without restic. */
@Command(
    name = "snapshots",
    mixinStandardHelpOptions = true,
    description = {
      "List a repository's snapshots, newest first.",
      "As the operator lists them in the Repository's status (the newest 10 of each target): no "
          + "restic needed here. Give an ID to `kubectl keepsake restore --snapshot`."
    },
    footer = {
      "",
      "Examples:",
      "  kubectl keepsake snapshots backups -n shop",
      "  kubectl keepsake snapshots backups --target redis -n shop",
      "  kubectl keepsake snapshots backups --host production/redis -o yaml"
    })
final class SnapshotsCommand extends KeepsakeCommand {
  @Parameters(paramLabel = "REPOSITORY", description = "The Repository.")
  String repository;

  @Option(
      names = "--host",
      paramLabel = "HOST",
      description = "Only this restic host: <namespace>/<AppBinding> or <namespace>/pvc/<claim>.")
  String host;

  @Option(
      names = "--target",
      paramLabel = "TARGET",
      description =
          "Only this target of the namespace: an AppBinding name, or pvc/<claim>; --host for another namespace's.")
  String target;

  @Option(
      names = "--tag",
      paramLabel = "TAG",
      description = "Only snapshots with this tag (repeatable: all must match).")
  List<String> tags;

  @Mixin Output.Options output;

  /**
   * restic's RFC 3339 time as the user's clock shows it, with its age; as given when it cannot be
   * read.
   */
  private static String time(String rfc3339, OffsetDateTime now) {
    if (rfc3339 == null) {
      return "-";
    }
    try {
      return Output.when(OffsetDateTime.parse(rfc3339), now);
    } catch (java.time.format.DateTimeParseException e) {
      return rfc3339;
    }
  }

  @Override
  public Integer call() {
    Repository found = kube().get(ApiKind.REPOSITORY, namespace(), repository);
    String wantedHost =
        host != null
            ? host
            : target == null
                ? null
                : Targets.host(namespace(), Targets.parse(target, "--target", Targets.APP_BINDING));
    List<SnapshotEntry> snapshots =
        (found.getStatus() == null || found.getStatus().getSnapshots() == null
                ? List.<SnapshotEntry>of()
                : found.getStatus().getSnapshots())
            .stream()
                .filter(s -> wantedHost == null || wantedHost.equals(s.getHost()))
                .filter(s -> tags == null || s.getTags() != null && s.getTags().containsAll(tags))
                .toList();
    if (output.format != Output.Format.table) {
      JsonArray items = new JsonArray();
      snapshots.forEach(s -> items.add(Manifests.toJson(s)));
      Output.print(out(), output.format, items);
      return 0;
    }
    if (snapshots.isEmpty()) {
      boolean filtered = wantedHost != null || tags != null;
      out()
          .println(
              "No snapshots "
                  + (filtered ? "match" : "listed yet")
                  + " in repository "
                  + repository
                  + (filtered ? "" : " (the list fills as backups into it succeed)")
                  + ".");
      out().flush();
      return 0;
    }
    OffsetDateTime now = OffsetDateTime.now();
    // The tags go last: they are long, and the columns before them are what a restore is chosen by.
    List<List<String>> rows =
        snapshots.stream()
            .map(
                s ->
                    List.of(
                        Output.or(s.getId()),
                        time(s.getTime(), now),
                        Output.or(s.getHost()),
                        Output.or(s.getSize()),
                        Output.or(s.getSession()),
                        s.getTags() == null ? "-" : String.join(",", s.getTags())))
            .toList();
    Output.table(out(), List.of("ID", "TIME", "HOST", "SIZE", "SESSION", "TAGS"), rows);
    return 0;
  }
}
