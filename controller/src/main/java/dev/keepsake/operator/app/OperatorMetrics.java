package dev.keepsake.operator.app;

import io.kubernetes.client.extended.controller.reconciler.Reconciler;
import io.kubernetes.client.extended.controller.reconciler.Result;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Histogram;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/** The operator's own metrics: reconciles, their errors and durations, per kind. */
final class OperatorMetrics {
  private final CollectorRegistry registry = new CollectorRegistry();
  private final Counter reconciles =
      Counter.build("keepsake_operator_reconciles_total", "Reconciles run")
          .labelNames("kind")
          .register(registry);
  private final Counter errors =
      Counter.build(
              "keepsake_operator_reconcile_errors_total",
              "Reconciles that failed and will be retried")
          .labelNames("kind")
          .register(registry);
  private final io.prometheus.client.Gauge queueDepth =
      io.prometheus.client.Gauge.build(
              "keepsake_operator_queue_depth", "Requests waiting in a controller's work queue")
          .labelNames("controller")
          .register(registry);
  private final java.util.Map<String, io.kubernetes.client.extended.workqueue.WorkQueue<?>> queues =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final io.prometheus.client.Gauge scheduled =
      io.prometheus.client.Gauge.build(
              "keepsake_operator_scheduled_configurations",
              "BackupConfigurations that are not paused, per namespace: backups are expected there")
          .labelNames("namespace")
          .register(registry);
  private java.util.function.Supplier<java.util.Map<String, Long>> scheduledByNamespace =
      java.util.Map::of;
  private final Histogram durations =
      Histogram.build("keepsake_operator_reconcile_duration_seconds", "How long reconciles take")
          .labelNames("kind")
          .register(registry);

  private final Counter apiRequests =
      Counter.build(
              "keepsake_operator_api_requests_total",
              "Requests the operator sent to the API server, by method and resource (watch and list are GET)")
          .labelNames("method", "resource")
          .register(registry);

  /** Counts each request this client sends from now on. */
  void count(io.kubernetes.client.openapi.ApiClient client) {
    client.setHttpClient(
        client
            .getHttpClient()
            .newBuilder()
            .addInterceptor(
                chain -> {
                  okhttp3.Request request = chain.request();
                  apiRequests.labels(request.method(), resourceOf(request.url())).inc();
                  return chain.proceed(request);
                })
            .build());
  }

  /**
   * The resource of an API path: .../namespaces/shop/backupsessions/nightly/status is
   * backupsessions/status.
   */
  static String resourceOf(okhttp3.HttpUrl url) {
    java.util.List<String> segments = url.pathSegments();
    int start = segments.size() > 0 && segments.get(0).equals("api") ? 2 : 3;
    java.util.List<String> rest =
        segments.subList(Math.min(start, segments.size()), segments.size());
    if (rest.size() >= 2 && rest.get(0).equals("namespaces")) {
      rest = rest.size() == 2 ? java.util.List.of("namespaces") : rest.subList(2, rest.size());
    }
    if (rest.isEmpty()) {
      return "";
    }
    return rest.size() >= 3 ? rest.get(0) + "/" + rest.get(2) : rest.get(0);
  }

  Reconciler instrument(String kind, Reconciler reconciler) {
    return request -> {
      reconciles.labels(kind).inc();
      Histogram.Timer timer = durations.labels(kind).startTimer();
      try {
        Result result = reconciler.reconcile(request);
        if (result.isRequeue() && result.getRequeueAfter() == null) {
          errors.labels(kind).inc();
        }
        return result;
      } catch (RuntimeException e) {
        errors.labels(kind).inc();
        throw e;
      } finally {
        timer.observeDuration();
      }
    };
  }

  double reconciles() {
    return reconciles.collect().get(0).samples.stream().mapToDouble(sample -> sample.value).sum();
  }

  /** Reports the queue's length at every scrape. */
  <T> io.kubernetes.client.extended.workqueue.RateLimitingQueue<T> track(
      String controller, io.kubernetes.client.extended.workqueue.RateLimitingQueue<T> queue) {
    queues.put(controller, queue);
    return queue;
  }

  /** Counts the configurations that expect backups, at every scrape. */
  void countScheduled(java.util.function.Supplier<java.util.Map<String, Long>> byNamespace) {
    scheduledByNamespace = byNamespace;
  }

  String exposition() {
    queues.forEach((controller, queue) -> queueDepth.labels(controller).set(queue.length()));
    scheduled.clear();
    scheduledByNamespace
        .get()
        .forEach((namespace, count) -> scheduled.labels(namespace).set(count));
    StringWriter out = new StringWriter();
    try {
      TextFormat.write004(out, registry.metricFamilySamples());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
