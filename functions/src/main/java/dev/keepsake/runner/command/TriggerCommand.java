package dev.keepsake.runner.command;

import dev.keepsake.api.ApiKind;
import dev.keepsake.api.BackupSession;
import dev.keepsake.api.BackupSessionSpec;
import dev.keepsake.api.Invoker;
import dev.keepsake.api.Resource;
import dev.keepsake.runner.Log;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.util.ClientBuilder;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "trigger",
    description = {
      "Create a BackupSession for a BackupConfiguration (the schedule's CronJob runs this).",
      "The session is named after the Job, so a retried pod finds it instead of making a second one."
    })
final class TriggerCommand implements Callable<Integer> {
  static final String CONFIGURATION_LABEL = "keepsake.dev/configuration";

  @Mixin ReportOptions report;

  @Option(
      names = "--session-name",
      defaultValue = "${env:KEEPSAKE_JOB_NAME}",
      description =
          "Name of the session; default: the Job's name (env KEEPSAKE_JOB_NAME, from the downward API).")
  String sessionName;

  @Override
  public Integer call() {
    if (report.configuration == null || report.configuration.isBlank()) {
      Log.error("no configuration given: set --configuration or KEEPSAKE_CONFIGURATION");
      return 2;
    }
    if (sessionName == null || sessionName.isBlank()) {
      Log.error(
          "no session name: set --session-name or KEEPSAKE_JOB_NAME (the CronJob's Job name)");
      return 2;
    }
    String namespace = report.namespace();
    BackupSession session =
        new BackupSession()
            .metadata(
                new V1ObjectMeta()
                    .name(sessionName)
                    .namespace(namespace)
                    .labels(Map.of(CONFIGURATION_LABEL, report.configuration)))
            .spec(
                new BackupSessionSpec()
                    .invoker(
                        new Invoker()
                            .apiGroup(Resource.GROUP)
                            .kind("BackupConfiguration")
                            .name(report.configuration))
                    .trigger("Scheduled"));
    try {
      ApiClient client = ClientBuilder.standard().build();
      ApiKind.BACKUP_SESSION.api(client).create(session).throwsApiException();
      Log.info("created BackupSession %s/%s for %s", namespace, sessionName, report.configuration);
      return 0;
    } catch (ApiException e) {
      if (e.getCode() == 409) {
        Log.info(
            "BackupSession %s/%s exists already: this scheduled run was triggered before",
            namespace, sessionName);
        return 0;
      }
      Log.error(
          "could not create BackupSession %s/%s: %d %s",
          namespace, sessionName, e.getCode(), e.getResponseBody());
      return 1;
    } catch (IOException e) {
      Log.error("cannot reach the Kubernetes API: %s", e.getMessage());
      return 1;
    }
  }
}
