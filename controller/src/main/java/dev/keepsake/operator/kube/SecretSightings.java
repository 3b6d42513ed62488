package dev.keepsake.operator.kube;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When this process last found each Secret (names only, never data). A Secret found recently enough
 * is not asked for again; a missing one is never remembered, so one created since is found at the
 * next look.
 */
final class SecretSightings {
  /** Longer than any freshness asked for: older sightings answer nothing and are let go. */
  static final Duration KEPT = Duration.ofMinutes(15);

  private final Map<String, Instant> lastFound = new ConcurrentHashMap<>();
  private volatile Instant lastPruned = Instant.EPOCH;

  boolean foundWithin(String namespace, String name, Duration freshness, Instant now) {
    Instant found = lastFound.get(key(namespace, name));
    return found != null && !found.isBefore(now.minus(freshness));
  }

  void found(String namespace, String name, Instant now) {
    lastFound.put(key(namespace, name), now);
    if (lastPruned.isBefore(now.minus(KEPT))) {
      lastPruned = now;
      lastFound.values().removeIf(at -> at.isBefore(now.minus(KEPT)));
    }
  }

  void missing(String namespace, String name) {
    lastFound.remove(key(namespace, name));
  }

  int size() {
    return lastFound.size();
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }
}
