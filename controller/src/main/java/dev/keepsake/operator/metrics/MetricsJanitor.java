package dev.keepsake.operator.metrics;

import dev.keepsake.api.BackupConfiguration;
import dev.keepsake.operator.kube.Cluster;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Keeps the Pushgateway in step with the objects its groups are about: a group whose
 * BackupConfiguration, Repository or RestoreSession is gone is deleted (else alerts fire forever
 * for what no longer exists), and a configuration's group says whether it is paused, so "too old"
 * does not fire for a backup that was stopped on purpose.
 */
public final class MetricsJanitor implements AutoCloseable {
  public static final String PAUSED = "keepsake_backup_paused";
  private static final Logger LOG = Logger.getLogger(MetricsJanitor.class.getName());
  private final PushgatewayGroups pushgateway;
  private final Cluster cluster;
  private final Duration interval;
  private ScheduledExecutorService timer;
  private final java.util.function.BooleanSupplier acting;

  /**
   * @param acting false while this process does not lead: no sweep then
   */
  public MetricsJanitor(
      String pushgatewayUrl,
      Cluster cluster,
      Duration interval,
      java.util.function.BooleanSupplier acting) {
    this.acting = acting;
    this.pushgateway = new PushgatewayGroups(pushgatewayUrl);
    this.cluster = cluster;
    this.interval = interval;
  }

  public synchronized void start() {
    if (timer != null) {
      return;
    }
    timer =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "keepsake-metrics-janitor");
              thread.setDaemon(true);
              return thread;
            });
    timer.scheduleWithFixedDelay(
        this::sweepQuietly, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void sweepQuietly() {
    try {
      if (cluster.synced() && acting.getAsBoolean()) {
        sweep();
      }
    } catch (IOException | RuntimeException e) {
      LOG.warning("could not tidy the Pushgateway's groups: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One pass over the groups; returns how many were deleted. */
  int sweep() throws IOException, InterruptedException {
    int deleted = 0;
    for (PushgatewayGroups.Group group : pushgateway.list()) {
      String namespace = group.key().get("namespace");
      if (group.job() == null || namespace == null || !group.job().startsWith("keepsake-")) {
        continue;
      }
      try {
        deleted += tidy(group, namespace);
      } catch (IOException | RuntimeException e) {
        // One group that cannot be tidied must not keep the others as they are.
        LOG.warning(
            "could not tidy the Pushgateway group "
                + group.job()
                + " "
                + group.key()
                + ": "
                + e.getMessage());
      }
    }
    return deleted;
  }

  private int tidy(PushgatewayGroups.Group group, String namespace)
      throws IOException, InterruptedException {
    if (!exists(group, namespace)) {
      pushgateway.delete(group);
      LOG.info(
          "deleted the Pushgateway group "
              + group.job()
              + " "
              + group.key()
              + ": its object no longer exists");
      return 1;
    }
    BackupConfiguration configuration =
        "keepsake-backup".equals(group.job())
            ? cluster.configuration(namespace, group.key().get("configuration"))
            : null;
    if (configuration != null && configuration.getSpec() != null) {
      // A schedule that never fires asks for backups by hand only: not late either.
      double paused =
          Boolean.TRUE.equals(configuration.getSpec().getPaused())
                  || dev.keepsake.operator.schedule.Schedule.byHandOnly(
                      configuration.getSpec().getSchedule(), configuration.getSpec().getTimeZone())
              ? 1
              : 0;
      Double shown = group.values().get(PAUSED);
      if (shown == null || shown != paused) {
        pushgateway.setGauge(
            group.job(),
            group.key(),
            PAUSED,
            "1 while the BackupConfiguration starts no backups by itself (paused, or a schedule that never fires)",
            paused);
      }
    }
    return 0;
  }

  private boolean exists(PushgatewayGroups.Group group, String namespace) {
    Map<String, String> key = group.key();
    if (key.values().stream().anyMatch(value -> value.contains("/"))) {
      // Pushed by a run outside any session (a host name as its key): not the operator's to judge.
      return true;
    }
    return switch (group.job()) {
      case "keepsake-backup" ->
          present(
              "BackupConfiguration", cluster::configuration, namespace, key.get("configuration"));
      case "keepsake-restore" ->
          present("RestoreSession", cluster::restoreSession, namespace, key.get("restore"));
      case "keepsake-check", "keepsake-repository" ->
          present("Repository", cluster::repository, namespace, key.get("repository"))
              || usesSharedRepository(namespace, key.get("repository"));
      default -> true;
    };
  }

  /**
   * An object in the cache, or one the operator cannot decode (it exists, it is only unreadable).
   */
  private boolean present(
      String kind,
      java.util.function.BiFunction<String, String, ?> cached,
      String namespace,
      String name) {
    return name == null
        || cached.apply(namespace, name) != null
        || cluster.undecodable().contains(kind, namespace, name);
  }

  /** A namespace's Jobs push a shared Repository's metrics under their own namespace. */
  private boolean usesSharedRepository(String namespace, String repository) {
    return cluster.configurationsIn(namespace).stream()
        .filter(c -> c.getSpec() != null && c.getSpec().getRepository() != null)
        .anyMatch(
            c ->
                repository.equals(c.getSpec().getRepository().getName())
                    && c.getSpec().getRepository().getNamespace() != null);
  }

  @Override
  public synchronized void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
