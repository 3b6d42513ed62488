package dev.keepsake.operator.kube;

import io.kubernetes.client.common.KubernetesListObject;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.informer.ListerWatcher;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.Watch;
import io.kubernetes.client.util.Watchable;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whether the informers still hear from the API server. An informer that synced once says so for
 * ever, even while its list and watch calls fail (the API server gone, say); readiness must not.
 * Each lister-watcher reports here how its last call went.
 */
public final class WatchHealth {
  private final AtomicInteger names = new AtomicInteger();
  private final Map<Integer, String> failing = new ConcurrentHashMap<>();

  /** True while no informer's last list or watch failed. */
  public boolean watching() {
    return failing.isEmpty();
  }

  /** What fails, for the readiness answer; empty while all is well. */
  public String failures() {
    return String.join("; ", failing.values());
  }

  <T extends KubernetesObject, L extends KubernetesListObject> ListerWatcher<T, L> tracked(
      String what, ListerWatcher<T, L> listerWatcher) {
    int id = names.incrementAndGet();
    return new ListerWatcher<>() {
      @Override
      public L list(CallGeneratorParams params) throws ApiException {
        try {
          L listed = listerWatcher.list(params);
          failing.remove(id);
          return listed;
        } catch (ApiException | RuntimeException e) {
          failing.put(id, "listing " + what + " failed: " + message(e));
          throw e;
        }
      }

      @Override
      public Watchable<T> watch(CallGeneratorParams params) throws ApiException {
        Watchable<T> events;
        try {
          events = listerWatcher.watch(params);
          failing.remove(id);
        } catch (ApiException | RuntimeException e) {
          failing.put(id, "watching " + what + " failed: " + message(e));
          throw e;
        }
        return new Watchable<>() {
          @Override
          public boolean hasNext() {
            try {
              return events.hasNext();
            } catch (RuntimeException e) {
              failing.put(id, "watching " + what + " broke off: " + message(e));
              throw e;
            }
          }

          @Override
          public Watch.Response<T> next() {
            return events.next();
          }

          @Override
          public Iterator<Watch.Response<T>> iterator() {
            return this;
          }

          @Override
          public void close() throws IOException {
            events.close();
          }
        };
      }
    };
  }

  private static String message(Exception e) {
    return e instanceof ApiException api && api.getCode() > 0
        ? api.getCode() + " " + api.getMessage()
        : String.valueOf(e.getMessage());
  }
}
