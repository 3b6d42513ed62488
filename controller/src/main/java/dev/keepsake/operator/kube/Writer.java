package dev.keepsake.operator.kube;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.keepsake.api.ApiKind;
import dev.keepsake.api.Manifests;
import dev.keepsake.api.Resource;
import dev.keepsake.operator.desired.JobIdentity;
import dev.keepsake.operator.status.PodTroubles;
import dev.keepsake.operator.status.SessionPhases;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.BatchV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1CronJob;
import io.kubernetes.client.openapi.models.V1OwnerReference;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1CronJobList;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1ObjectReference;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Role;
import io.kubernetes.client.openapi.models.V1RoleBinding;
import io.kubernetes.client.openapi.models.V1RoleBindingList;
import io.kubernetes.client.openapi.models.V1RoleList;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.V1ServiceAccountList;
import io.kubernetes.client.util.PatchUtils;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import io.kubernetes.client.util.generic.options.PatchOptions;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.logging.Logger;
import java.util.stream.Stream;

/** Every write the operator makes, and the few reads the cache cannot answer. */
public final class Writer {
  public static final String FIELD_MANAGER = "keepsake-operator";
  static final String DESIRED_HASH = "keepsake.dev/desired-hash";
  private static final Logger LOG = Logger.getLogger(Writer.class.getName());
  private volatile boolean secretsReadable = true;
  private final ApiClient client;
  private final GenericKubernetesApi<V1CronJob, V1CronJobList> cronJobs;
  private final GenericKubernetesApi<V1ServiceAccount, V1ServiceAccountList> serviceAccounts;
  private final GenericKubernetesApi<V1Role, V1RoleList> roles;
  private final GenericKubernetesApi<V1RoleBinding, V1RoleBindingList> roleBindings;
  private final java.util.Set<String> identitiesApplied = java.util.concurrent.ConcurrentHashMap.newKeySet();

  public Writer(ApiClient client) {
    this.client = client;
    this.cronJobs = new GenericKubernetesApi<>(V1CronJob.class, V1CronJobList.class, "batch", "v1", "cronjobs", client);
    this.serviceAccounts =
        new GenericKubernetesApi<>(V1ServiceAccount.class, V1ServiceAccountList.class, "", "v1", "serviceaccounts", client);
    this.roles = new GenericKubernetesApi<>(V1Role.class, V1RoleList.class, "rbac.authorization.k8s.io", "v1", "roles", client);
    this.roleBindings = new GenericKubernetesApi<>(V1RoleBinding.class, V1RoleBindingList.class, "rbac.authorization.k8s.io", "v1",
        "rolebindings", client);
  }

  /**
   * Server-side applies a CronJob we own, only when its desired content changed. The server fills in
   * defaults, so what exists never equals what we want; a hash of what we want, kept in an
   * annotation, tells whether it changed.
   */
  public void applyCronJob(V1CronJob desired, V1CronJob existing) throws ApiException {
    String hash = hash(client.getJSON().serialize(desired));
    String applied = existing == null || existing.getMetadata().getAnnotations() == null ? null
        : existing.getMetadata().getAnnotations().get(DESIRED_HASH);
    if (hash.equals(applied)) {
      return;
    }
    desired.getMetadata().putAnnotationsItem(DESIRED_HASH, hash);
    PatchOptions options = new PatchOptions();
    options.setFieldManager(FIELD_MANAGER);
    options.setForce(true);
    String body = withoutEmptyLists(client.getJSON().getGson().toJsonTree(desired)).toString();
    orThrow(cronJobs.patch(desired.getMetadata().getNamespace(), desired.getMetadata().getName(), V1Patch.PATCH_FORMAT_APPLY_YAML,
        new V1Patch(body), options));
  }

  /** Like throwsApiException, but keeps the server's Status as the body, so a refusal can be quoted word for word. */
  private void orThrow(io.kubernetes.client.util.generic.KubernetesApiResponse<?> response) throws ApiException {
    if (!response.isSuccess()) {
      throw new ApiException(response.getHttpStatusCode(), null,
          response.getStatus() == null ? null : client.getJSON().serialize(response.getStatus()));
    }
  }

  /**
   * The client's models write every list, empty ones too, including fields newer than the API
   * server (restartPolicyRules of Kubernetes 1.34); server-side apply refuses fields it does not
   * know, and an empty list says nothing anyway.
   */
  static com.google.gson.JsonElement withoutEmptyLists(com.google.gson.JsonElement element) {
    if (element.isJsonObject()) {
      JsonObject object = new JsonObject();
      element.getAsJsonObject().entrySet().forEach(entry -> {
        com.google.gson.JsonElement value = entry.getValue();
        if (!(value.isJsonArray() && value.getAsJsonArray().isEmpty())) {
          object.add(entry.getKey(), withoutEmptyLists(value));
        }
      });
      return object;
    }
    if (element.isJsonArray()) {
      com.google.gson.JsonArray array = new com.google.gson.JsonArray();
      element.getAsJsonArray().forEach(item -> array.add(withoutEmptyLists(item)));
      return array;
    }
    return element;
  }

  private static String hash(String text) {
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(digest).substring(0, 16);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Makes sure the namespace has the shared ServiceAccount, Role and RoleBinding that the schedules'
   * triggers and the repository Jobs run as. Applied once per namespace and process; server-side
   * apply makes repeats harmless.
   */
  public void ensureJobIdentity(String namespace, String name) throws ApiException {
    if (!identitiesApplied.add(namespace + "/" + name)) {
      return;
    }
    try {
      apply(serviceAccounts,
          JobIdentity.serviceAccount(namespace, name));
      apply(roles,
          JobIdentity.role(namespace, name));
      apply(roleBindings, JobIdentity.roleBinding(namespace, name));
    } catch (ApiException e) {
      identitiesApplied.remove(namespace + "/" + name);
      throw e;
    }
  }

  /**
   * Makes the identity of one session's Job: its ServiceAccount (unless runtime settings name the
   * account to run as), and a Role and RoleBinding that let that account read the session and write
   * its status, and nothing else. All three are owned by the session and go with it.
   */
  public void ensureSessionIdentity(JobIdentity.SessionIdentity identity, dev.keepsake.api.RuntimeSettings runtime)
      throws ApiException {
    String named = runtime == null ? null : runtime.getServiceAccountName();
    if (named == null) {
      apply(serviceAccounts,
          JobIdentity.sessionServiceAccount(identity));
    }
    apply(roles,
        JobIdentity.sessionRole(identity));
    apply(roleBindings, JobIdentity.sessionRoleBinding(identity, named != null ? named : identity.name()));
  }

  private <T extends io.kubernetes.client.common.KubernetesObject, L extends io.kubernetes.client.common.KubernetesListObject> void apply(
      GenericKubernetesApi<T, L> api, T object) throws ApiException {
    PatchOptions options = new PatchOptions();
    options.setFieldManager(FIELD_MANAGER);
    options.setForce(true);
    orThrow(api.patch(object.getMetadata().getNamespace(), object.getMetadata().getName(), V1Patch.PATCH_FORMAT_APPLY_YAML,
        new V1Patch(withoutEmptyLists(client.getJSON().getGson().toJsonTree(object)).toString()), options));
  }

  /** Jobs are created, never patched (their pod template is immutable). An existing one is kept. */
  public void createJob(V1Job job) throws ApiException {
    try {
      new BatchV1Api(client).createNamespacedJob(job.getMetadata().getNamespace(), job).execute();
    } catch (ApiException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      // Ours from an earlier try whose answer was lost, or someone else's of the same name.
      V1Job existing = new BatchV1Api(client).readNamespacedJob(job.getMetadata().getName(), job.getMetadata().getNamespace())
          .execute();
      String owner = job.getMetadata().getOwnerReferences().get(0).getUid();
      var owners = existing.getMetadata().getOwnerReferences();
      if (owners == null || owners.stream().noneMatch(o -> Boolean.TRUE.equals(o.getController()) && owner.equals(o.getUid()))) {
        throw new ForeignJobException("Job " + job.getMetadata().getName() + " already exists in namespace "
            + job.getMetadata().getNamespace() + " and was not made by the operator for this session; it is left alone");
      }
    }
  }

  /** A Job of a session's name that the session does not control. */
  public static final class ForeignJobException extends RuntimeException {
    ForeignJobException(String message) {
      super(message);
    }
  }

  /** The operator may not read or write Secrets (the chart's sharedRepositories.enabled=false), and a task needs it to. */
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
  public void syncSharedSecret(dev.keepsake.api.Repository repository, String consumerNamespace, V1OwnerReference owner)
      throws ApiException {
    try {
      copySharedSecret(repository, consumerNamespace, owner);
    } catch (ApiException e) {
      if (e.getCode() == 403) {
        throw new SecretsForbiddenException("Repository " + repository.getMetadata().getNamespace() + "/"
            + repository.getMetadata().getName() + " is shared, and its Secret " + repository.getSpec().getSecret().getName()
            + "'s restic keys are copied into each namespace that uses it, but this installation's operator may not read or"
            + " write Secrets (install the chart with sharedRepositories.enabled=true); no Job was started");
      }
      throw e;
    }
  }

  private void copySharedSecret(dev.keepsake.api.Repository repository, String consumerNamespace, V1OwnerReference owner)
      throws ApiException {
    CoreV1Api core = new CoreV1Api(client);
    String sourceNamespace = repository.getMetadata().getNamespace();
    V1Secret source = core.readNamespacedSecret(repository.getSpec().getSecret().getName(), sourceNamespace).execute();
    java.util.Map<String, byte[]> data = new java.util.TreeMap<>();
    for (String key : dev.keepsake.restic.ResticRepository.SECRET_KEYS) {
      if (source.getData() != null && source.getData().containsKey(key)) {
        data.put(key, source.getData().get(key));
      }
    }
    String name = dev.keepsake.desired.SharedRepositories.copyName(repository);
    V1Secret existing;
    try {
      existing = core.readNamespacedSecret(name, consumerNamespace).execute();
    } catch (ApiException e) {
      if (e.getCode() != 404) {
        throw e;
      }
      existing = null;
    }
    java.util.List<V1OwnerReference> owners = new ArrayList<>(existing == null || existing.getMetadata().getOwnerReferences() == null
        ? List.of() : existing.getMetadata().getOwnerReferences());
    if (owners.stream().noneMatch(o -> owner.getUid().equals(o.getUid()))) {
      owners.add(new V1OwnerReference().apiVersion(owner.getApiVersion()).kind(owner.getKind()).name(owner.getName())
          .uid(owner.getUid()));
    }
    java.util.Map<String, String> labels = dev.keepsake.desired.Labels.of(dev.keepsake.desired.Labels.REPOSITORY,
        repository.getMetadata().getName());
    labels.put(dev.keepsake.desired.SharedRepositories.SOURCE_NAMESPACE_LABEL, sourceNamespace);
    V1Secret copy = new V1Secret().metadata(new V1ObjectMeta().name(name).namespace(consumerNamespace).labels(labels)
        .ownerReferences(owners)).type("Opaque").data(new java.util.LinkedHashMap<>(data));
    if (existing == null) {
      core.createNamespacedSecret(consumerNamespace, copy).execute();
      return;
    }
    int ownersBefore = existing.getMetadata().getOwnerReferences() == null ? 0 : existing.getMetadata().getOwnerReferences().size();
    boolean same = sameData(existing.getData(), data) && owners.size() == ownersBefore
        && labels.equals(existing.getMetadata().getLabels());
    if (!same) {
      copy.getMetadata().resourceVersion(existing.getMetadata().getResourceVersion());
      core.replaceNamespacedSecret(name, consumerNamespace, copy).execute();
    }
  }

  /** Removes a namespace's copy of a shared Repository's Secret, if there is one; a Secret it did not make is left alone. */
  public void deleteSharedSecret(String namespace, String name) throws ApiException {
    CoreV1Api core = new CoreV1Api(client);
    try {
      V1Secret secret = core.readNamespacedSecret(name, namespace).execute();
      if (secret.getMetadata().getLabels() == null
          || !secret.getMetadata().getLabels().containsKey(dev.keepsake.desired.SharedRepositories.SOURCE_NAMESPACE_LABEL)) {
        return;
      }
      core.deleteNamespacedSecret(name, namespace).execute();
    } catch (ApiException e) {
      if (e.getCode() != 404 && e.getCode() != 403) { // 403: an operator without Secret rights made no copy
        throw e;
      }
    }
  }

  private static boolean sameData(java.util.Map<String, byte[]> a, java.util.Map<String, byte[]> b) {
    java.util.Map<String, byte[]> left = a == null ? java.util.Map.of() : a;
    if (left.size() != b.size()) {
      return false;
    }
    return b.entrySet().stream().allMatch(e -> java.util.Arrays.equals(e.getValue(), left.get(e.getKey())));
  }

  /** Those of these Secrets that do not exist in the namespace. */
  public java.util.Set<String> missingSecrets(String namespace, java.util.Collection<String> names) throws ApiException {
    java.util.Set<String> missing = new java.util.TreeSet<>();
    for (String name : names) {
      if (!secretExists(namespace, name)) {
        missing.add(name);
      }
    }
    return missing;
  }

  /**
   * Whether a Secret exists; its data is never kept. An operator that may not read Secrets cannot
   * tell, and answers yes: a missing Secret is then reported from the pod that cannot start.
   */
  public boolean secretExists(String namespace, String name) throws ApiException {
    if (!secretsReadable) {
      return true;
    }
    try {
      new CoreV1Api(client).readNamespacedSecret(name, namespace).execute();
      return true;
    } catch (ApiException e) {
      if (e.getCode() == 404) {
        return false;
      }
      if (e.getCode() == 403) {
        secretsReadable = false;
        LOG.info("this operator may not read Secrets: a Secret a session needs is not checked before its Job starts;"
            + " a missing one is reported from the pod that cannot start");
        return true;
      }
      throw e;
    }
  }

  /** True when the Job is truly absent, not just missing from a cache that lags behind. */
  public boolean jobGone(String namespace, String name) throws ApiException {
    try {
      new BatchV1Api(client).readNamespacedJob(name, namespace).execute();
      return false;
    } catch (ApiException e) {
      if (e.getCode() == 404) {
        return true;
      }
      throw e;
    }
  }

  /**
   * For a finished Job, how its pod ended ({@link #termination}); for a running one, why its pod
   * cannot start, or null when nothing is wrong.
   */
  public SessionPhases.Termination podOutcome(String namespace, String jobName, boolean jobFinished) throws ApiException {
    return jobFinished ? termination(namespace, jobName) : PodTroubles.stuck(pods(namespace, jobName), Instant.now());
  }

  private List<V1Pod> pods(String namespace, String jobName) throws ApiException {
    return new CoreV1Api(client).listNamespacedPod(namespace)
        .labelSelector("batch.kubernetes.io/job-name=" + jobName).execute().getItems();
  }

  /**
   * Stops a Job whose pod cannot start: suspended, the Job controller removes its pod, and the Job
   * stays (until its TTL) for the user to look at.
   */
  public void stopJob(String namespace, String name) throws ApiException {
    try {
      BatchV1Api jobs = new BatchV1Api(client);
      PatchUtils.patch(V1Job.class,
          () -> jobs.patchNamespacedJob(name, namespace, new V1Patch("{\"spec\":{\"suspend\":true}}")).buildCall(null),
          V1Patch.PATCH_FORMAT_STRATEGIC_MERGE_PATCH, client);
    } catch (ApiException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }

  /**
   * The runner's termination message from the Job's pod, the last container that wrote one; a
   * container killed for its memory limit wins, since it could not write one.
   */
  public SessionPhases.Termination termination(String namespace, String jobName) throws ApiException {
    List<V1Pod> pods = pods(namespace, jobName);
    SessionPhases.Termination oomKilled = PodTroubles.oomKilled(pods);
    if (oomKilled != null) {
      return oomKilled;
    }
    SessionPhases.Termination found = null;
    for (V1Pod pod : pods) {
      if (pod.getStatus() == null) {
        continue;
      }
      List<V1ContainerStatus> statuses = new ArrayList<>();
      Stream.of(pod.getStatus().getInitContainerStatuses(), pod.getStatus().getContainerStatuses())
          .filter(Objects::nonNull).forEach(statuses::addAll);
      for (V1ContainerStatus status : statuses) {
        var terminated = status.getState() == null ? null : status.getState().getTerminated();
        if (terminated != null && terminated.getMessage() != null && !terminated.getMessage().isBlank()
            && PodTroubles.isRunner(pod, status.getName())) {
          SessionPhases.Termination parsed = parse(terminated.getMessage());
          if (found == null || !"Completed".equals(parsed.reason())) {
            found = parsed;
          }
        }
      }
    }
    // A step that reported success says nothing about a later one that was killed.
    if (found == null || found.reason() == null || "Completed".equals(found.reason())) {
      SessionPhases.Termination unreported = PodTroubles.endedWithoutReport(pods, message -> parse(message).reason() != null);
      if (unreported != null) {
        return unreported;
      }
    }
    return found;
  }

  private static SessionPhases.Termination parse(String message) {
    try {
      JsonObject json = JsonParser.parseString(message).getAsJsonObject();
      return new SessionPhases.Termination(json.get("reason").getAsString(), json.get("message").getAsString());
    } catch (RuntimeException notJson) {
      return new SessionPhases.Termination(null, message.trim());
    }
  }

  /**
   * Replaces the status with the resourceVersion that was read. A conflict means someone wrote in
   * between: returns false, and the caller requeues instead of overwriting. The object is the
   * informer's: a copy carries the new status, so the cache never holds what the server has not
   * confirmed (watches compare the cached object with the next event).
   */
  public <S, T extends Resource<?, S, T>> boolean writeStatus(ApiKind<T, ?> kind, T object, S status) throws ApiException {
    @SuppressWarnings("unchecked")
    T copy = Manifests.toModel(Manifests.toJson(object), (Class<T>) object.getClass());
    try {
      kind.replaceStatus(client, copy.status(status));
      return true;
    } catch (ApiException e) {
      if (e.getCode() == 409) {
        return false;
      }
      throw e;
    }
  }

  /**
   * Adds or removes one finalizer, guarded by the resourceVersion that was read so no one else's
   * finalizer list is overwritten. False on a conflict: the caller reads again.
   */
  public <T extends Resource<?, ?, T>> boolean setFinalizer(ApiKind<T, ?> kind, T object, String finalizer, boolean present)
      throws ApiException {
    List<String> finalizers = new ArrayList<>(object.getMetadata().getFinalizers() == null ? List.of() : object.getMetadata().getFinalizers());
    finalizers.remove(finalizer);
    if (present) {
      finalizers.add(finalizer);
    }
    JsonObject metadata = new JsonObject();
    metadata.add("finalizers", client.getJSON().getGson().toJsonTree(finalizers));
    return patchMetadata(kind, object, metadata);
  }

  /**
   * Adds a (non-controller) owner reference, guarded by the resourceVersion that was read. False on a
   * conflict: the caller reads again.
   */
  public <T extends Resource<?, ?, T>> boolean addOwner(ApiKind<T, ?> kind, T object, Resource<?, ?, ?> owner) throws ApiException {
    List<io.kubernetes.client.openapi.models.V1OwnerReference> owners = new ArrayList<>(
        object.getMetadata().getOwnerReferences() == null ? List.of() : object.getMetadata().getOwnerReferences());
    owners.add(new io.kubernetes.client.openapi.models.V1OwnerReference().apiVersion(owner.getApiVersion()).kind(owner.getKind())
        .name(owner.getMetadata().getName()).uid(owner.getMetadata().getUid()));
    JsonObject metadata = new JsonObject();
    metadata.add("ownerReferences", client.getJSON().getGson().toJsonTree(owners));
    return patchMetadata(kind, object, metadata);
  }

  /** A merge patch of metadata that only applies to the version that was read; false on a conflict or if it is gone. */
  private <T extends Resource<?, ?, T>> boolean patchMetadata(ApiKind<T, ?> kind, T object, JsonObject metadata) throws ApiException {
    metadata.addProperty("resourceVersion", object.getMetadata().getResourceVersion());
    JsonObject patch = new JsonObject();
    patch.add("metadata", metadata);
    var response = kind.api(client).patch(object.getMetadata().getNamespace(), object.getMetadata().getName(),
        V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, new V1Patch(patch.toString()));
    if (response.getHttpStatusCode() == 409 || response.getHttpStatusCode() == 404) {
      return response.getHttpStatusCode() == 404;
    }
    response.throwsApiException();
    return true;
  }

  public void deleteCronJob(String namespace, String name) throws ApiException {
    var response = cronJobs.delete(namespace, name);
    if (!response.isSuccess() && response.getHttpStatusCode() != 404) {
      orThrow(response);
    }
  }

  public <T extends Resource<?, ?, T>> void delete(ApiKind<T, ?> kind, String namespace, String name) {
    kind.api(client).delete(namespace, name);
  }

  /** An Event on the object, where `kubectl describe` shows it. Failure to record one is only logged. */
  public void event(Resource<?, ?, ?> object, boolean warning, String reason, String message) {
    OffsetDateTime now = OffsetDateTime.now();
    CoreV1Event event = new CoreV1Event()
        .metadata(new V1ObjectMeta().name(object.getMetadata().getName() + "." + UUID.randomUUID().toString().substring(0, 8))
            .namespace(object.getMetadata().getNamespace()))
        .involvedObject(new V1ObjectReference().apiVersion(object.getApiVersion()).kind(object.getKind())
            .name(object.getMetadata().getName()).namespace(object.getMetadata().getNamespace())
            .uid(object.getMetadata().getUid()).resourceVersion(object.getMetadata().getResourceVersion()))
        .type(warning ? "Warning" : "Normal")
        .reason(reason)
        .message(message.length() > 1024 ? message.substring(0, 1021) + "..." : message)
        .firstTimestamp(now).lastTimestamp(now).count(1)
        .reportingComponent(FIELD_MANAGER)
        .source(new io.kubernetes.client.openapi.models.V1EventSource().component(FIELD_MANAGER));
    try {
      new CoreV1Api(client).createNamespacedEvent(object.getMetadata().getNamespace(), event).execute();
    } catch (ApiException e) {
      LOG.warning("could not record event " + reason + " on " + object.getMetadata().getName() + ": " + e.getCode());
    }
  }
}
