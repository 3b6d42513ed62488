package dev.keepsake.operator.kube;

import dev.keepsake.api.Resource;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.extended.event.EventType;
import io.kubernetes.client.extended.event.legacy.EventCorrelator;
import io.kubernetes.client.extended.event.legacy.EventRecorder;
import io.kubernetes.client.extended.event.legacy.EventSink;
import io.kubernetes.client.extended.event.legacy.LegacyEventBroadcaster;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1EventSource;
import io.kubernetes.client.util.PatchUtils;
import java.util.logging.Logger;

/**
 * Events on Keepsake's objects, where `kubectl describe` shows them, through the client's recorder:
 * repeats are counted on one Event, a flood is rate-limited, and a failed write is only logged.
 */
public final class Events implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Events.class.getName());

  /** A longer message is cut: Events are for a glance, the status holds the whole story. */
  private static final int MESSAGE_LIMIT = 1024;

  private final LegacyEventBroadcaster broadcaster;
  private final EventRecorder recorder;

  Events(ApiClient client) {
    broadcaster =
        new LegacyEventBroadcaster(new EventCorrelator(), new LoggingSink(new CoreV1Api(client)));
    recorder =
        broadcaster.newRecorder(new V1EventSource().component(ServerSideApply.FIELD_MANAGER));
    broadcaster.startRecording();
  }

  public void record(Resource<?, ?, ?> object, boolean warning, String reason, String message) {
    String shown = shortened(message);
    // The recorder formats its message: a message of ours goes in as an argument, never as the
    // format.
    recorder.event(object, warning ? EventType.Warning : EventType.Normal, reason, "%s", shown);
  }

  /** A message cut to the length the API server takes in an Event, 1,024 characters. */
  static String shortened(String message) {
    String text = message == null ? "" : message;
    return text.length() > MESSAGE_LIMIT ? text.substring(0, MESSAGE_LIMIT - 3) + "..." : text;
  }

  @Override
  public void close() {
    broadcaster.shutdown();
  }

  /**
   * Writes Events and logs a refusal instead of throwing it: the recorder would otherwise try the
   * same Event ten times, ten seconds apart, holding back every later one (an Event for an object
   * whose namespace is being deleted is refused for good).
   */
  private record LoggingSink(CoreV1Api core) implements EventSink {
    @Override
    public CoreV1Event create(CoreV1Event event) throws ApiException {
      try {
        return core.createNamespacedEvent(event.getMetadata().getNamespace(), event).execute();
      } catch (ApiException e) {
        if (e.getCode() == 409) {
          throw e; // the recorder takes an Event that exists already as written
        }
        return notRecorded(event, e);
      }
    }

    @Override
    public CoreV1Event update(CoreV1Event event) throws ApiException {
      try {
        return core.replaceNamespacedEvent(
                event.getMetadata().getName(), event.getMetadata().getNamespace(), event)
            .execute();
      } catch (ApiException e) {
        return notRecorded(event, e);
      }
    }

    @Override
    public CoreV1Event patch(CoreV1Event event, V1Patch patch) throws ApiException {
      try {
        return PatchUtils.patch(
            CoreV1Event.class,
            () ->
                core.patchNamespacedEvent(
                        event.getMetadata().getName(), event.getMetadata().getNamespace(), patch)
                    .buildCall(null),
            V1Patch.PATCH_FORMAT_STRATEGIC_MERGE_PATCH,
            core.getApiClient());
      } catch (ApiException e) {
        if (e.getCode() == 404) {
          throw e; // the counted Event expired: the recorder makes a new one
        }
        return notRecorded(event, e);
      }
    }

    private static CoreV1Event notRecorded(CoreV1Event event, ApiException e) {
      LOG.warning(
          "could not record event "
              + event.getReason()
              + " on "
              + event.getInvolvedObject().getName()
              + ": "
              + e.getCode());
      return event;
    }
  }
}
