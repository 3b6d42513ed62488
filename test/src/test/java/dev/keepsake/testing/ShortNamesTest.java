package dev.keepsake.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.ApisApi;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.CustomObjectsApi;
import io.kubernetes.client.openapi.models.V1APIGroup;
import io.kubernetes.client.openapi.models.V1APIResource;
import io.kubernetes.client.openapi.models.V1APIResourceList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * `kubectl get NAME` finds the Keepsake kind the user means: none of its short names is a name,
 * singular or short name of a built-in resource, or of the custom resources of widely installed
 * projects.
 */
@ExtendWith(LocalControlPlaneExtension.class)
class ShortNamesTest {
  /**
   * Names and short names of CRDs that many clusters carry beside Keepsake, by the project's API
   * group.
   */
  private static final Map<String, List<String>> WIDELY_INSTALLED =
      Map.ofEntries(
          Map.entry(
              "cert-manager.io",
              List.of(
                  "certificate",
                  "certificates",
                  "cert",
                  "certs",
                  "certificaterequest",
                  "cr",
                  "crs",
                  "issuer",
                  "issuers",
                  "clusterissuer",
                  "clusterissuers")),
          Map.entry(
              "monitoring.coreos.com",
              List.of(
                  "prometheus",
                  "prom",
                  "servicemonitor",
                  "smon",
                  "podmonitor",
                  "pmon",
                  "alertmanager",
                  "am",
                  "alertmanagerconfig",
                  "amcfg",
                  "prometheusrule",
                  "promrule",
                  "probe",
                  "prb",
                  "thanosruler",
                  "ruler",
                  "scrapeconfig",
                  "scfg")),
          Map.entry(
              "argoproj.io",
              List.of(
                  "application",
                  "app",
                  "apps",
                  "appproject",
                  "appproj",
                  "appprojs",
                  "applicationset",
                  "appset",
                  "appsets",
                  "rollout",
                  "ro",
                  "workflow",
                  "wf")),
          Map.entry(
              "velero.io",
              List.of(
                  "backup",
                  "backups",
                  "restore",
                  "restores",
                  "schedule",
                  "schedules",
                  "backupstoragelocation",
                  "bsl",
                  "volumesnapshotlocation",
                  "vsl",
                  "podvolumebackup",
                  "podvolumerestore",
                  "backuprepository",
                  "datadownload",
                  "dataupload")),
          Map.entry(
              "stash.appscode.com",
              List.of(
                  "repository",
                  "repositories",
                  "repo",
                  "backupconfiguration",
                  "bc",
                  "backupsession",
                  "bs",
                  "restoresession",
                  "rs",
                  "function",
                  "task",
                  "backupblueprint",
                  "bb")),
          Map.entry(
              "k8up.io",
              List.of(
                  "backup",
                  "restore",
                  "schedule",
                  "check",
                  "prune",
                  "archive",
                  "snapshot",
                  "podconfig")),
          Map.entry(
              "toolkit.fluxcd.io",
              List.of(
                  "kustomization",
                  "ks",
                  "helmrelease",
                  "hr",
                  "gitrepository",
                  "gitrepo",
                  "helmrepository",
                  "helmrepo",
                  "helmchart",
                  "hc",
                  "ocirepository",
                  "ocirepo",
                  "bucket")),
          Map.entry(
              "networking.istio.io",
              List.of(
                  "virtualservice",
                  "vs",
                  "destinationrule",
                  "dr",
                  "gateway",
                  "gw",
                  "serviceentry",
                  "se",
                  "sidecar")),
          Map.entry(
              "keda.sh",
              List.of("scaledobject", "so", "scaledjob", "sj", "triggerauthentication", "ta")),
          Map.entry(
              "serving.knative.dev",
              List.of(
                  "service",
                  "ksvc",
                  "kservice",
                  "route",
                  "rt",
                  "configuration",
                  "config",
                  "cfg",
                  "revision",
                  "rev")),
          Map.entry(
              "snapshot.storage.k8s.io",
              List.of(
                  "volumesnapshot",
                  "vs",
                  "volumesnapshotclass",
                  "vsclass",
                  "vsclasses",
                  "volumesnapshotcontent",
                  "vsc")));

  /** A resource of the API server's discovery: its group, its names and its short names. */
  private record Served(String group, String plural, String singular, List<String> shortNames) {}

  private static List<Served> discover(ApiClient client) throws Exception {
    List<Served> served = new ArrayList<>();
    add(served, "", new CoreV1Api(client).getAPIResources().execute());
    for (V1APIGroup group : new ApisApi(client).getAPIVersions().execute().getGroups()) {
      for (var version : group.getVersions()) {
        add(
            served,
            group.getName(),
            new CustomObjectsApi(client)
                .getAPIResources(group.getName(), version.getVersion())
                .execute());
      }
    }
    return served;
  }

  private static void add(List<Served> served, String group, V1APIResourceList list) {
    for (V1APIResource resource : list.getResources()) {
      if (!resource.getName().contains("/")) {
        served.add(
            new Served(
                group,
                resource.getName(),
                resource.getSingularName(),
                resource.getShortNames() == null ? List.of() : resource.getShortNames()));
      }
    }
  }

  @Test
  void noShortNameOfAKeepsakeKindMeansAnythingElse(ApiClient client) throws Exception {
    List<Served> resources = discover(client);
    Map<String, String> taken = new HashMap<>();
    resources.stream()
        .filter(r -> !"keepsake.dev".equals(r.group()))
        .forEach(
            r -> {
              String owner = (r.group().isEmpty() ? "core" : r.group()) + "/" + r.plural();
              taken.put(r.plural(), owner);
              if (r.singular() != null && !r.singular().isEmpty()) {
                taken.put(r.singular(), owner);
              }
              r.shortNames().forEach(shortName -> taken.put(shortName, owner));
            });
    WIDELY_INSTALLED.forEach(
        (group, names) -> names.forEach(name -> taken.putIfAbsent(name, group)));
    List<String> keepsake =
        resources.stream()
            .filter(r -> "keepsake.dev".equals(r.group()))
            .flatMap(r -> r.shortNames().stream())
            .toList();

    assertThat(taken)
        .as("the built-in resources were found")
        .containsKeys("rs", "deploy", "po", "svc", "cj");
    assertThat(keepsake)
        .containsExactlyInAnyOrder("ksrepo", "ksab", "ksfn", "kstask", "ksbc", "ksbs", "ksrs");
    Map<String, String> clashes =
        keepsake.stream()
            .filter(taken::containsKey)
            .collect(Collectors.toMap(name -> name, taken::get));
    assertThat(clashes).as("Keepsake short names that another resource answers to").isEmpty();
  }
}
