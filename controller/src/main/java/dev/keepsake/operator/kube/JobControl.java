package dev.keepsake.operator.kube;

import dev.keepsake.operator.status.SessionPhases;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.BatchV1Api;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.util.PatchUtils;

/** Creating, stopping and looking for the Jobs of sessions and repositories. */
public final class JobControl {
  /** Longer than any informer lags behind a create. */
  private static final java.time.Duration REMEMBERED = java.time.Duration.ofMinutes(5);

  private final ApiClient client;
  private final BatchV1Api batch;
  private final java.util.Map<String, java.time.Instant> createdHere =
      new java.util.concurrent.ConcurrentHashMap<>();

  JobControl(ApiClient client) {
    this.client = client;
    this.batch = new BatchV1Api(client);
  }

  /** Jobs are created, never patched (their pod template is immutable). An existing one is kept. */
  public void create(V1Job job) throws ApiException {
    try {
      batch.createNamespacedJob(job.getMetadata().getNamespace(), job).execute();
      java.time.Instant now = java.time.Instant.now();
      createdHere.values().removeIf(created -> created.isBefore(now.minus(REMEMBERED)));
      createdHere.put(job.getMetadata().getNamespace() + "/" + job.getMetadata().getName(), now);
    } catch (ApiException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      // Ours from an earlier try whose answer was lost, or someone else's of the same name.
      V1Job existing =
          batch
              .readNamespacedJob(job.getMetadata().getName(), job.getMetadata().getNamespace())
              .execute();
      String owner = job.getMetadata().getOwnerReferences().get(0).getUid();
      var owners = existing.getMetadata().getOwnerReferences();
      if (owners == null
          || owners.stream()
              .noneMatch(o -> Boolean.TRUE.equals(o.getController()) && owner.equals(o.getUid()))) {
        throw new ForeignJobException(
            "Job "
                + job.getMetadata().getName()
                + " already exists in namespace "
                + job.getMetadata().getNamespace()
                + " and was not made by the operator for this session; it is left alone");
      }
    }
  }

  /**
   * Stops a Job whose pod cannot start: suspended, the Job controller removes its pod, and the Job
   * stays (until its TTL) for the user to look at. Why goes on the Job in the same write.
   */
  public void stop(String namespace, String name, SessionPhases.Termination why)
      throws ApiException {
    String patch =
        client
            .getJSON()
            .serialize(
                java.util.Map.of(
                    "metadata",
                    java.util.Map.of(
                        "annotations",
                        java.util.Map.of(
                            SessionPhases.STOPPED_REASON,
                            why.reason(),
                            SessionPhases.STOPPED_MESSAGE,
                            Events.shortened(why.message()))),
                    "spec",
                    java.util.Map.of("suspend", true)));
    try {
      PatchUtils.patch(
          V1Job.class,
          () -> batch.patchNamespacedJob(name, namespace, new V1Patch(patch)).buildCall(null),
          V1Patch.PATCH_FORMAT_STRATEGIC_MERGE_PATCH,
          client);
    } catch (ApiException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }

  /**
   * Whether this process created the Job in the last minutes: the informer may not show it yet, and
   * a session deciding whether a sibling runs must not miss it.
   */
  public boolean createdRecently(String namespace, String name) {
    java.time.Instant created = createdHere.get(namespace + "/" + name);
    return created != null && created.isAfter(java.time.Instant.now().minus(REMEMBERED));
  }

  /** True when the Job is truly absent, not just missing from a cache that lags behind. */
  public boolean gone(String namespace, String name) throws ApiException {
    try {
      batch.readNamespacedJob(name, namespace).execute();
      return false;
    } catch (ApiException e) {
      if (e.getCode() == 404) {
        return true;
      }
      throw e;
    }
  }

  /** A Job of a session's name that the session does not control. */
  public static final class ForeignJobException extends RuntimeException {
    ForeignJobException(String message) {
      super(message);
    }
  }
}
