package dev.keepsake.cli;

import dev.keepsake.api.ApiKind;
import dev.keepsake.api.BackupConfiguration;
import dev.keepsake.api.BackupSession;
import dev.keepsake.api.BackupSessionSpec;
import dev.keepsake.api.Invoker;
import dev.keepsake.api.Resource;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** `trigger`: a manual BackupSession, followed to its end. */
@Command(
    name = "trigger",
    mixinStandardHelpOptions = true,
    description = {
      "Back up now and follow the backup.",
      "Creates a BackupSession of the configuration and follows it until it ends: phase, bytes, "
          + "rate and percent where known. Exit status 0 only when it Succeeded."
    },
    footer = {
      "",
      "Examples:",
      "  kubectl keepsake trigger redis-backup -n shop",
      "  kubectl keepsake trigger redis-backup --no-wait -n shop"
    })
final class TriggerCommand extends KeepsakeCommand {
  @Parameters(paramLabel = "CONFIGURATION", description = "The BackupConfiguration to run.")
  String configuration;

  @Mixin Following following;

  @Override
  public Integer call() {
    BackupConfiguration found =
        kube().get(ApiKind.BACKUP_CONFIGURATION, namespace(), configuration);
    if (Boolean.TRUE.equals(found.getSpec().getPaused())) {
      out()
          .println(
              "note: "
                  + configuration
                  + " is paused; the session will be Skipped (kubectl keepsake resume "
                  + configuration
                  + " "
                  + clusterFlags()
                  + ")");
    }
    String name = Sessions.name(configuration, "manual");
    BackupSession session =
        new BackupSession()
            .metadata(new V1ObjectMeta().name(name).namespace(namespace()))
            .spec(
                new BackupSessionSpec()
                    .trigger("Manual")
                    .invoker(
                        new Invoker()
                            .apiGroup(Resource.GROUP)
                            .kind(BackupConfiguration.KIND)
                            .name(configuration)));
    kube().create(ApiKind.BACKUP_SESSION, session);
    out().println("backupsession " + name + " created in namespace " + namespace());
    out().flush();
    return follow(
        following,
        "backupsession " + name,
        () -> Sessions.lookAt(kube(), ApiKind.BACKUP_SESSION, namespace(), name),
        "kubectl keepsake logs " + name + " " + clusterFlags());
  }
}
