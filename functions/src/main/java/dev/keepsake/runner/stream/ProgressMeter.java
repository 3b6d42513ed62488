package dev.keepsake.runner.stream;

import dev.keepsake.api.Bytes;
import dev.keepsake.runner.Log;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/** Counts bytes as they stream and reports, at a steady interval, how many and how fast. */
public final class ProgressMeter implements AutoCloseable {
  /** One progress report. {@code percent} is present when the total is known. */
  public record Reading(
      long bytesDone, OptionalLong bytesTotal, Integer percent, long bytesPerSecond, Instant at) {}

  private final String what;
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong total = new AtomicLong(-1);
  private final Duration interval;
  private final ScheduledExecutorService ticker;
  private final Consumer<Reading> listener;
  private volatile Instant started;
  private volatile java.util.function.LongSupplier source;
  private volatile boolean closed;

  public ProgressMeter(String what, Duration interval, Consumer<Reading> listener) {
    this.what = what;
    this.listener = listener;
    this.interval = interval;
    this.ticker =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "progress");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Starts the clock and the steady reports, once data begins to flow. */
  public synchronized void start() {
    if (started == null) {
      started = Instant.now();
      long millis = Math.max(100, interval.toMillis());
      ticker.scheduleAtFixedRate(this::report, millis, millis, TimeUnit.MILLISECONDS);
    }
  }

  /** Follows a count kept elsewhere (a process's written bytes) instead of counting here. */
  public void follow(java.util.function.LongSupplier count) {
    this.source = count;
  }

  /** The exact final count, once known (restic's summary), for the last reading. */
  public void settle(long finalBytes) {
    this.source = null;
    bytes.set(finalBytes);
  }

  /** For sources that report their own progress (restic's status lines). */
  public void set(long done, long totalBytes) {
    bytes.set(done);
    total.set(totalBytes);
  }

  /** For sources that report a growing count of unknown total (restic reading a stream). */
  public void done(long done) {
    bytes.accumulateAndGet(done, Math::max);
  }

  public void total(long totalBytes) {
    total.set(totalBytes);
  }

  public long bytes() {
    java.util.function.LongSupplier followed = source;
    if (followed != null) {
      bytes.set(followed.getAsLong());
    }
    return bytes.get();
  }

  public Duration elapsed() {
    return started == null ? Duration.ZERO : Duration.between(started, Instant.now());
  }

  public Reading reading() {
    long done = bytes();
    long knownTotal = total.get();
    long millis = Math.max(1, elapsed().toMillis());
    Integer percent = knownTotal > 0 ? (int) Math.min(100, done * 100 / knownTotal) : null;
    return new Reading(
        done,
        knownTotal >= 0 ? OptionalLong.of(knownTotal) : OptionalLong.empty(),
        percent,
        done * 1000 / millis,
        Instant.now());
  }

  private void report() {
    Reading reading = reading();
    Log.info(
        "%s: %s%s at %s/s",
        what,
        Bytes.human(reading.bytesDone()),
        reading.percent() == null
            ? ""
            : " of "
                + Bytes.human(reading.bytesTotal().getAsLong())
                + " ("
                + reading.percent()
                + "%)",
        Bytes.human(reading.bytesPerSecond()));
    try {
      listener.accept(reading);
    } catch (RuntimeException e) {
      Log.warn("could not report progress: %s", e.getMessage());
    }
  }

  /** Stops the reports; a meter that ran ends with one last reading, however short the run was. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    ticker.shutdownNow();
    if (started != null) {
      report();
    }
  }
}
