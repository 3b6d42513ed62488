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
 * Lists and watches one kind in a set of namespaces as if they were one source, for an operator whose
 * rights are Roles in those namespaces only. The lists are joined; the watches run side by side and
 * their events arrive in one stream. Each namespace's watch resumes from the last version seen in
 * that namespace, not from the newest of all of them, so a namespace whose events lag loses none.
 * When one namespace's watch ends, the joined one ends, and the informer watches again.
 */
final class NamespacesListerWatcher<T extends KubernetesObject, L extends KubernetesListObject> implements ListerWatcher<T, L> {
  private final Map<String, ListerWatcher<T, L>> perNamespace = new LinkedHashMap<>();
  private final Map<String, String> lastVersions = new java.util.concurrent.ConcurrentHashMap<>();

  NamespacesListerWatcher(List<String> namespaces, Function<String, ListerWatcher<T, L>> forNamespace) {
    if (namespaces.isEmpty()) {
      throw new IllegalArgumentException("no namespace to watch");
    }
    namespaces.forEach(namespace -> perNamespace.put(namespace, forNamespace.apply(namespace)));
  }

  @Override
  @SuppressWarnings("unchecked")
  public L list(CallGeneratorParams params) throws ApiException {
    L joined = null;
    long newest = 0;
    for (Map.Entry<String, ListerWatcher<T, L>> namespace : perNamespace.entrySet()) {
      L listed = namespace.getValue().list(params);
      String version = listed.getMetadata().getResourceVersion();
      lastVersions.put(namespace.getKey(), version);
      newest = Math.max(newest, parse(version));
      if (joined == null) {
        joined = listed;
      } else {
        ((List<T>) joined.getItems()).addAll((List<T>) listed.getItems());
      }
    }
    // The informer keeps this as its last version; the watches below use each namespace's own.
    joined.getMetadata().setResourceVersion(Long.toString(newest));
    return joined;
  }

  @Override
  public Watchable<T> watch(CallGeneratorParams params) throws ApiException {
    List<Watchable<T>> watches = new ArrayList<>();
    try {
      for (Map.Entry<String, ListerWatcher<T, L>> namespace : perNamespace.entrySet()) {
        String from = lastVersions.getOrDefault(namespace.getKey(), params.resourceVersion);
        watches.add(namespace.getValue().watch(new CallGeneratorParams(params.watch, from, params.timeoutSeconds)));
      }
    } catch (ApiException | RuntimeException e) {
      watches.forEach(NamespacesListerWatcher::closeQuietly);
      throw e;
    }
    return new Joined(new ArrayList<>(perNamespace.keySet()), watches);
  }

  private static long parse(String version) {
    try {
      return Long.parseLong(version);
    } catch (NumberFormatException notANumber) {
      return 0;
    }
  }

  private record Delivery<T>(String namespace, Watch.Response<T> event) {}

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

    Joined(List<String> namespaces, List<Watchable<T>> watches) {
      this.watches = watches;
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
      } catch (RuntimeException ended) {
        // the stream broke: the informer watches again from the versions kept
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
      Watch.Response<T> event = delivery.event();
      if (event.object != null && event.object.getMetadata() != null && event.object.getMetadata().getResourceVersion() != null
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
