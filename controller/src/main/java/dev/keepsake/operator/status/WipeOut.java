package dev.keepsake.operator.status;

import dev.keepsake.api.Repository;
import io.kubernetes.client.openapi.models.V1Job;
import java.util.List;

/**
 * Whether a Repository's data goes with it. Only a Repository with {@code wipeOut: true} carries
 * the finalizer; deleting it runs one wipe Job, and the finalizer goes only once that Job succeeded
 * (or the user turned wipeOut off). It goes without a wipe only where no Job can run (the
 * installation's policy refuses one, or the namespace is being deleted), and says so.
 */
public final class WipeOut {
  public static final String FINALIZER = "keepsake.dev/wipe-out";

  public enum Step {
    NOTHING,
    ADD_FINALIZER,
    REMOVE_FINALIZER,
    CREATE_JOB,
    WAIT_FOR_JOB,
    JOB_FAILED
  }

  private WipeOut() {}

  public static Step next(Repository repository, V1Job job) {
    boolean wanted = Boolean.TRUE.equals(repository.getSpec().getWipeOut());
    List<String> finalizers = repository.getMetadata().getFinalizers();
    boolean finalizer = finalizers != null && finalizers.contains(FINALIZER);
    boolean deleting = repository.getMetadata().getDeletionTimestamp() != null;
    if (!deleting) {
      return wanted && !finalizer
          ? Step.ADD_FINALIZER
          : !wanted && finalizer ? Step.REMOVE_FINALIZER : Step.NOTHING;
    }
    if (!finalizer) {
      return Step.NOTHING;
    }
    if (!wanted) {
      return Step.REMOVE_FINALIZER;
    }
    if (job == null) {
      return Step.CREATE_JOB;
    }
    if (!SessionPhases.isFinished(job)) {
      return Step.WAIT_FOR_JOB;
    }
    return SessionPhases.succeeded(job) ? Step.REMOVE_FINALIZER : Step.JOB_FAILED;
  }
}
