package dev.keepsake.cli;

import dev.keepsake.api.Bytes;
import dev.keepsake.api.Progress;
import dev.keepsake.api.SessionPhase;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Follows a session or an operation until it ends: on a terminal one line that updates in place,
 * otherwise a plain line whenever the phase changes and at most every 10 seconds while it runs.
 */
final class Follower {
  /** What one look at the followed object shows. */
  record Seen(SessionPhase phase, String reason, String message, Progress progress) {
    boolean finished() {
      return phase != null && phase.isFinished();
    }
  }

  private static final Duration PLAIN_EVERY = Duration.ofSeconds(10);

  /**
   * How long a session may go without any status before the user is told the operator may be down.
   */
  static final Duration UNSEEN_AFTER = Duration.ofSeconds(30);

  private final PrintWriter out;
  private final boolean interactive;
  private final Duration poll;

  /**
   * How long a session may not be read, with failures the API server may get over, before following
   * gives up.
   */
  static final Duration RETRY_FOR = Duration.ofSeconds(60);

  private final Duration unseenAfter;
  private final int columns;

  Follower(PrintWriter out, boolean interactive, Duration poll, int columns) {
    this(out, interactive, poll, UNSEEN_AFTER, columns);
  }

  Follower(PrintWriter out, boolean interactive, Duration poll, Duration unseenAfter, int columns) {
    this.out = out;
    this.interactive = interactive;
    this.poll = poll;
    this.unseenAfter = unseenAfter;
    this.columns = columns;
  }

  /**
   * Looks until the object ends or {@code timeout} passes (null: no limit); returns the last look.
   * Failures the API server may get over (unreachable, overloaded) are retried for {@link
   * #RETRY_FOR}.
   */
  Seen follow(Supplier<Seen> look, Duration timeout) {
    Thread stopped =
        new Thread(
            () -> {
              out.print(
                  (interactive ? "\n" : "") + "stopped following; it goes on in the cluster\n");
              out.flush();
            });
    Runtime.getRuntime().addShutdownHook(stopped);
    try {
      return followUntilEnd(look, timeout);
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(stopped);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C arrived: the hook is what tells the user.
      }
    }
  }

  private Seen followUntilEnd(Supplier<Seen> look, Duration timeout) {
    Instant started = Instant.now();
    Instant deadline = timeout == null ? null : started.plus(timeout);
    boolean toldUnseen = false;
    Instant failingSince = null;
    String lastLine = null;
    SessionPhase lastPhase = null;
    Instant lastPrinted = Instant.EPOCH;
    while (true) {
      Seen seen;
      try {
        seen = look.get();
        failingSince = null;
      } catch (CliException failure) {
        if (!failure.isTransient()) {
          endLine();
          throw failure;
        }
        if (failingSince == null) {
          failingSince = Instant.now();
          print(
              "note: "
                  + failure.getMessage()
                  + "; trying again for up to "
                  + RETRY_FOR.toSeconds()
                  + " s");
          lastLine = null;
        } else if (Duration.between(failingSince, Instant.now()).compareTo(RETRY_FOR) > 0) {
          endLine();
          throw failure;
        }
        pause();
        continue;
      }
      String line = fit(line(seen));
      if (interactive) {
        if (!line.equals(lastLine)) {
          out.print("\r\033[K" + line);
          out.flush();
        }
      } else if (!Objects.equals(seen.phase(), lastPhase)
          || !line.equals(lastLine)
              && Duration.between(lastPrinted, Instant.now()).compareTo(PLAIN_EVERY) >= 0) {
        out.println(line);
        out.flush();
        lastPrinted = Instant.now();
      }
      lastLine = line;
      lastPhase = seen.phase();
      if (seen.phase() == null
          && !toldUnseen
          && Duration.between(started, Instant.now()).compareTo(unseenAfter) >= 0) {
        print(
            "note: no answer from the operator after "
                + unseenAfter.toSeconds()
                + " s; is it running? (kubectl get pods -A -l app.kubernetes.io/name=keepsake)");
        toldUnseen = true;
        lastLine = null;
      }
      if (seen.finished()) {
        endLine();
        return seen;
      }
      if (deadline != null && Instant.now().isAfter(deadline)) {
        endLine();
        throw new CliException(
            "still "
                + (seen.phase() == null ? "waiting for the operator" : seen.phase())
                + " after "
                + dev.keepsake.api.Durations.human(timeout)
                + "; it goes on in the cluster");
      }
      pause();
    }
  }

  /** A line of its own, also on a terminal where the progress line is being rewritten. */
  private void print(String note) {
    out.print((interactive ? "\r\033[K" : "") + note + "\n");
    out.flush();
  }

  private void endLine() {
    if (interactive) {
      out.println();
      out.flush();
    }
  }

  private void pause() {
    try {
      Thread.sleep(poll.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted; it goes on in the cluster");
    }
  }

  /**
   * On a terminal the line must not wrap, or rewriting it in place leaves its first part behind.
   */
  private String fit(String line) {
    return interactive && line.length() > columns - 1
        ? line.substring(0, Math.max(0, columns - 4)) + "..."
        : line;
  }

  static String line(Seen seen) {
    if (seen.phase() == null) {
      return "Pending: waiting for the operator";
    }
    StringBuilder line = new StringBuilder(seen.phase().name());
    Progress progress = seen.progress();
    if (seen.phase() == SessionPhase.Running
        && progress != null
        && progress.getBytesDone() != null) {
      line.append("  ").append(Bytes.human(progress.getBytesDone()));
      if (progress.getBytesTotal() != null) {
        line.append(" of ").append(Bytes.human(progress.getBytesTotal()));
      }
      if (progress.getBytesPerSecond() != null) {
        line.append("  ").append(Bytes.human(progress.getBytesPerSecond())).append("/s");
      }
      if (progress.getPercent() != null) {
        line.append("  ").append(progress.getPercent()).append('%');
      }
    } else if (!seen.finished() && seen.message() != null) {
      line.append(": ").append(seen.message());
    }
    return line.toString();
  }
}
