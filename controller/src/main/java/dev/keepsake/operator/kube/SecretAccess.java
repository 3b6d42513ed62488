package dev.keepsake.operator.kube;

import dev.keepsake.api.Repository;
import dev.keepsake.desired.Labels;
import dev.keepsake.desired.SharedRepositories;
import dev.keepsake.restic.ResticRepository;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1OwnerReference;
import io.kubernetes.client.openapi.models.V1Secret;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.logging.Logger;

/**
 * The operator's few dealings with Secrets: whether those a Job needs exist (their data is never
 * kept), and the copies of shared Repositories' keys. An installation may give it no right on
 * Secrets at all.
 */
public final class SecretAccess {
  private static final Logger LOG = Logger.getLogger(SecretAccess.class.getName());
  private final CoreV1Api core;
  private volatile boolean readable = true;
  private final SecretSightings sightings = new SecretSightings();

  /**
   * How old a sighting a session's check takes: the Secrets of many sessions that start in the same
   * minute (schedules alike, one Repository) are read once. A Secret deleted within it is reported
   * from the pod that cannot start, as for an operator that may not read Secrets.
   */
  public static final Duration SESSION_FRESHNESS = Duration.ofMinutes(1);

  SecretAccess(ApiClient client) {
    this.core = new CoreV1Api(client);
  }

  /**
   * The operator may not read or write Secrets (the chart's sharedRepositories.enabled=false), and
   * a task needs it to.
   */
  public static final class SecretsForbiddenException extends RuntimeException {
    SecretsForbiddenException(String message) {
      super(message);
    }
  }

  /**
   * Makes the consumer namespace's copy of a shared Repository's Secret hold what the source holds
   * now, restic's keys only, and be owned by {@code owner} among others: the garbage collector
   * removes it once no configuration or restore there uses it.
   */
  public void syncShared(Repository repository, String consumerNamespace, V1OwnerReference owner)
      throws ApiException {
    try {
      copyShared(repository, consumerNamespace, owner);
    } catch (ApiException e) {
      if (e.getCode() == 403) {
        throw new SecretsForbiddenException(
            "Repository "
                + repository.getMetadata().getNamespace()
                + "/"
                + repository.getMetadata().getName()
                + " is shared, and its Secret "
                + repository.getSpec().getSecret().getName()
                + "'s restic keys are copied into each namespace that uses it, but this installation's operator may not read or"
                + " write Secrets (install the chart with sharedRepositories.enabled=true); no Job was started");
      }
      throw e;
    }
  }

  private void copyShared(Repository repository, String consumerNamespace, V1OwnerReference owner)
      throws ApiException {
    String sourceNamespace = repository.getMetadata().getNamespace();
    V1Secret source =
        core.readNamespacedSecret(repository.getSpec().getSecret().getName(), sourceNamespace)
            .execute();
    Map<String, byte[]> data = new TreeMap<>();
    for (String key : ResticRepository.SECRET_KEYS) {
      if (source.getData() != null && source.getData().containsKey(key)) {
        data.put(key, source.getData().get(key));
      }
    }
    String name = SharedRepositories.copyName(repository);
    V1Secret existing;
    try {
      existing = core.readNamespacedSecret(name, consumerNamespace).execute();
    } catch (ApiException e) {
      if (e.getCode() != 404) {
        throw e;
      }
      existing = null;
    }
    List<V1OwnerReference> owners =
        new ArrayList<>(
            existing == null || existing.getMetadata().getOwnerReferences() == null
                ? List.of()
                : existing.getMetadata().getOwnerReferences());
    if (owners.stream().noneMatch(o -> owner.getUid().equals(o.getUid()))) {
      owners.add(
          new V1OwnerReference()
              .apiVersion(owner.getApiVersion())
              .kind(owner.getKind())
              .name(owner.getName())
              .uid(owner.getUid()));
    }
    Map<String, String> labels = Labels.of(Labels.REPOSITORY, repository.getMetadata().getName());
    labels.put(SharedRepositories.SOURCE_NAMESPACE_LABEL, sourceNamespace);
    V1Secret copy =
        new V1Secret()
            .metadata(
                new V1ObjectMeta()
                    .name(name)
                    .namespace(consumerNamespace)
                    .labels(labels)
                    .ownerReferences(owners))
            .type("Opaque")
            .data(new LinkedHashMap<>(data));
    if (existing == null) {
      core.createNamespacedSecret(consumerNamespace, copy).execute();
      return;
    }
    int ownersBefore =
        existing.getMetadata().getOwnerReferences() == null
            ? 0
            : existing.getMetadata().getOwnerReferences().size();
    boolean same =
        sameData(existing.getData(), data)
            && owners.size() == ownersBefore
            && labels.equals(existing.getMetadata().getLabels());
    if (!same) {
      copy.getMetadata().resourceVersion(existing.getMetadata().getResourceVersion());
      core.replaceNamespacedSecret(name, consumerNamespace, copy).execute();
    }
  }

  /**
   * Removes a namespace's copy of a shared Repository's Secret, if there is one; a Secret it did
   * not make is left alone.
   */
  public void deleteShared(String namespace, String name) throws ApiException {
    try {
      V1Secret secret = core.readNamespacedSecret(name, namespace).execute();
      if (secret.getMetadata().getLabels() == null
          || !secret
              .getMetadata()
              .getLabels()
              .containsKey(SharedRepositories.SOURCE_NAMESPACE_LABEL)) {
        return;
      }
      core.deleteNamespacedSecret(name, namespace).execute();
    } catch (ApiException e) {
      if (e.getCode() != 404
          && e.getCode() != 403) { // 403: an operator without Secret rights made no copy
        throw e;
      }
    }
  }

  private static boolean sameData(Map<String, byte[]> a, Map<String, byte[]> b) {
    Map<String, byte[]> left = a == null ? Map.of() : a;
    if (left.size() != b.size()) {
      return false;
    }
    return b.entrySet().stream().allMatch(e -> Arrays.equals(e.getValue(), left.get(e.getKey())));
  }

  /** False once the API server refused this operator a Secret: existence is then not checked. */
  public boolean readable() {
    return readable;
  }

  /**
   * Those of these Secrets that do not exist in the namespace; one found within {@link
   * #SESSION_FRESHNESS} is not read again.
   */
  public Set<String> missing(String namespace, Collection<String> names) throws ApiException {
    List<String> asked = List.copyOf(names);
    List<Boolean> found =
        Concurrently.all(
            asked.stream()
                .<Concurrently.Call<Boolean>>map(
                    name -> () -> exists(namespace, name, SESSION_FRESHNESS))
                .toList());
    Set<String> missing = new TreeSet<>();
    for (int i = 0; i < asked.size(); i++) {
      if (!found.get(i)) {
        missing.add(asked.get(i));
      }
    }
    return missing;
  }

  /**
   * Whether a Secret exists; its data is never kept. One this process found within {@code
   * freshness} is not read again. An operator that may not read Secrets cannot tell, and answers
   * yes: a missing Secret is then reported from the pod that cannot start.
   */
  public boolean exists(String namespace, String name, Duration freshness) throws ApiException {
    if (!readable) {
      return true;
    }
    if (sightings.foundWithin(namespace, name, freshness, Instant.now())) {
      return true;
    }
    try {
      core.readNamespacedSecret(name, namespace).execute();
      sightings.found(namespace, name, Instant.now());
      return true;
    } catch (ApiException e) {
      if (e.getCode() == 404) {
        sightings.missing(namespace, name);
        return false;
      }
      if (e.getCode() == 403) {
        readable = false;
        LOG.info(
            "this operator may not read Secrets: a Secret a session needs is not checked before its Job starts;"
                + " a missing one is reported from the pod that cannot start");
        return true;
      }
      throw e;
    }
  }
}
