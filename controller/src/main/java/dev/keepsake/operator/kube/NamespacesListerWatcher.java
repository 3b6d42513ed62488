package dev.keepsake.operator.kube;

import io.kubernetes.client.common.KubernetesListObject;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.informer.ListerWatcher;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.Watch;
import io.kubernetes.client.util.Watchable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;

/**
 * Lists and watches one kind in a set of namespaces as if they were one source, for an operator
 * whose rights are Roles in those namespaces only. The lists are joined; the watches run side by
 * side and their events arrive in one stream. Each namespace's watch resumes from the last version
 * seen in that namespace, not from the newest of all of them, so a namespace whose events lag loses
 * none. When one namespace's watch ends, the joined one ends, and the informer watches again.
 *
 * <p>A namespace the operator may not read (403: its Role is missing, or not yet there) or that is
 * gone (404) is left out with a warning instead of stopping every namespace, and is tried again at
 * the next relist, which the joined watch asks for after {@link #RETRY_UNAVAILABLE} by a 410.
 */
final class NamespacesListerWatcher<T extends KubernetesObject, L extends KubernetesListObject>
    implements ListerWatcher<T, L> {
  private final Map<String, ListerWatcher<T, L>> perNamespace = new LinkedHashMap<>();
  private final Map<String, String> lastVersions = new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.Set<String> unavailable =
      java.util.concurrent.ConcurrentHashMap.newKeySet();
  static final java.time.Duration RETRY_UNAVAILABLE = java.time.Duration.ofSeconds(30);
  private static final java.util.logging.Logger LOG =
      java.util.logging.Logger.getLogger(NamespacesListerWatcher.class.getName());

  NamespacesListerWatcher(
      List<String> namespaces, Function<String, ListerWatcher<T, L>> forNamespace) {
    if (namespaces.isEmpty()) {
      throw new IllegalArgumentException("no namespace to watch");
    }
    namespaces.forEach(namespace -> perNamespace.put(namespace, forNamespace.apply(namespace)));
  }

  @Override
  @SuppressWarnings("unchecked")
  public L list(CallGeneratorParams params) throws ApiException {
    L joined = null;
    L empty = null;
    long newest = 0;
    for (Map.Entry<String, ListerWatcher<T, L>> namespace : perNamespace.entrySet()) {
      L listed;
      try {
        listed = namespace.getValue().list(params);
      } catch (ApiException e) {
        if (e.getCode() != 403 && e.getCode() != 404) {
          throw e;
        }
        if (unavailable.add(namespace.getKey())) {
          LOG.warning(
              "namespace "
                  + namespace.getKey()
                  + " cannot be watched ("
                  + e.getCode()
                  + (e.getCode() == 403
                      ? ": the operator has no Role there"
                      : ": it does not exist")
                  + "); the others are, and it is tried again every "
                  + RETRY_UNAVAILABLE.getSeconds()
                  + " s");
        }
        lastVersions.remove(namespace.getKey());
        continue;
      }
      if (unavailable.remove(namespace.getKey())) {
        LOG.info("namespace " + namespace.getKey() + " is watched again");
      }
      String version = listed.getMetadata().getResourceVersion();
      lastVersions.put(namespace.getKey(), version);
      newest = Math.max(newest, parse(version));
      if (joined == null) {
        joined = listed;
      } else {
        ((List<T>) joined.getItems()).addAll((List<T>) listed.getItems());
      }
    }
    if (joined == null) {
      throw new ApiException(
          403, "none of the namespaces " + perNamespace.keySet() + " can be watched");
    }
    // The informer keeps this as its last version; the watches below use each namespace's own.
    joined.getMetadata().setResourceVersion(Long.toString(newest));
    return joined;
  }

  @Override
  public Watchable<T> watch(CallGeneratorParams params) throws ApiException {
    List<Watchable<T>> watches = new ArrayList<>();
    try {
      List<String> watched = new ArrayList<>();
      for (Map.Entry<String, ListerWatcher<T, L>> namespace : perNamespace.entrySet()) {
        if (unavailable.contains(namespace.getKey())) {
          continue;
        }
        String from = lastVersions.getOrDefault(namespace.getKey(), params.resourceVersion);
        watches.add(
            namespace
                .getValue()
                .watch(new CallGeneratorParams(params.watch, from, params.timeoutSeconds)));
        watched.add(namespace.getKey());
      }
      return new Joined(watched, watches, !unavailable.isEmpty());
    } catch (ApiException | RuntimeException e) {
      watches.forEach(NamespacesListerWatcher::closeQuietly);
      throw e;
    }
  }

  private static long parse(String version) {
    try {
      return Long.parseLong(version);
    } catch (NumberFormatException notANumber) {
      return 0;
    }
  }

  private record Delivery<T>(String namespace, Watch.Response<T> event, RuntimeException failure) {
    Delivery(String namespace, Watch.Response<T> event) {
      this(namespace, event, null);
    }
  }

  private static void closeQuietly(Watchable<?> watch) {
    try {
      watch.close();
    } catch (IOException | RuntimeException ignored) {
      // closing a stream that already ended
    }
  }

  /** The namespaces' watches as one: each is read by a thread of its own into a shared queue. */
  private final class Joined implements Watchable<T> {
    private static final Object END = new Object();
    private final LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();
    private final List<Watchable<T>> watches;
    private final List<Thread> readers = new ArrayList<>();
    private Object next;
    private volatile boolean closed;

    Joined(List<String> namespaces, List<Watchable<T>> watches, boolean someUnavailable) {
      this.watches = watches;
      if (someUnavailable) {
        // 410 Gone: the informer lists again, and the namespaces left out are tried once more.
        Thread retry =
            new Thread(
                () -> {
                  try {
                    Thread.sleep(RETRY_UNAVAILABLE.toMillis());
                    events.add(
                        new Delivery<T>(
                            null,
                            new Watch.Response<>(
                                "ERROR",
                                new io.kubernetes.client.openapi.models.V1Status()
                                    .code(410)
                                    .reason("Expired")
                                    .message("a namespace could not be watched; listing again"))));
                  } catch (InterruptedException closed) {
                    // the joined watch ended first
                  }
                },
                "watch-retry");
        retry.setDaemon(true);
        readers.add(retry);
        retry.start();
      }
      for (int i = 0; i < watches.size(); i++) {
        String namespace = namespaces.get(i);
        Watchable<T> watch = watches.get(i);
        Thread reader = new Thread(() -> read(namespace, watch), "watch-" + namespace);
        reader.setDaemon(true);
        readers.add(reader);
        reader.start();
      }
    }

    private void read(String namespace, Watchable<T> watch) {
      try {
        while (!closed && watch.hasNext()) {
          events.add(new Delivery<>(namespace, watch.next()));
        }
      } catch (RuntimeException broken) {
        if (!closed) {
          // Handed to the informer, whose own handling (a pause, a relist) applies, not a silent
          // re-watch.
          events.add(new Delivery<T>(namespace, null, broken));
        }
      } finally {
        events.add(END);
      }
    }

    @Override
    public boolean hasNext() {
      if (next == null) {
        try {
          next = events.take();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          next = END;
        }
      }
      return next != END;
    }

    /**
     * A namespace's version moves on only when its event is handed to the informer: events still
     * queued when the joined watch ends come again from the next watch.
     */
    @Override
    @SuppressWarnings("unchecked")
    public Watch.Response<T> next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException();
      }
      Delivery<T> delivery = (Delivery<T>) next;
      next = null;
      if (delivery.failure() != null) {
        throw delivery.failure();
      }
      Watch.Response<T> event = delivery.event();
      if (delivery.namespace() != null
          && event.object != null
          && event.object.getMetadata() != null
          && event.object.getMetadata().getResourceVersion() != null
          && !"ERROR".equals(event.type)) {
        lastVersions.put(delivery.namespace(), event.object.getMetadata().getResourceVersion());
      }
      return event;
    }

    @Override
    public Iterator<Watch.Response<T>> iterator() {
      return this;
    }

    @Override
    public void close() {
      closed = true;
      watches.forEach(NamespacesListerWatcher::closeQuietly);
      readers.forEach(Thread::interrupt);
    }
  }
}
