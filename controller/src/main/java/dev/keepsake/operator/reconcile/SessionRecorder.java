package dev.keepsake.operator.reconcile;

import dev.keepsake.api.ApiKind;
import dev.keepsake.api.Manifests;
import dev.keepsake.api.Resource;
import dev.keepsake.api.SessionPhase;
import dev.keepsake.api.SessionStatus;
import dev.keepsake.operator.kube.Writer;
import dev.keepsake.operator.status.SessionPhases;
import dev.keepsake.operator.status.SessionStatusUpdate;
import io.kubernetes.client.openapi.ApiException;
import java.time.OffsetDateTime;
import java.util.function.Supplier;

/** Writes a session's next phase into its status (only when it changed) and tells of the move in an Event. */
final class SessionRecorder {
  private SessionRecorder() {}

  /** False when someone else wrote the status in between; the caller then requeues. */
  static <P, S extends SessionStatus<S>, T extends Resource<P, S, T>> boolean record(Writer writer, ApiKind<T, ?> kind, T session,
      Class<S> statusType, Supplier<S> empty, SessionPhases.Next next, String jobName) throws ApiException {
    S before = session.getStatus() == null ? empty.get() : session.getStatus();
    S status = Manifests.toModel(Manifests.toJson(before), statusType);
    boolean moved = SessionStatusUpdate.apply(status, next, jobName, session.getMetadata().getGeneration(), OffsetDateTime.now());
    if (Manifests.toJson(status).equals(Manifests.toJson(before))) {
      return true;
    }
    if (!writer.writeStatus(kind, session, status)) {
      return false;
    }
    if (moved) {
      writer.event(session, next.phase() == SessionPhase.Failed, next.reason(), next.message());
    }
    return true;
  }
}
