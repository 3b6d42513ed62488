package dev.keepsake.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keepsake.api.Progress;
import dev.keepsake.api.SessionPhase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class FollowerTest {
  private static Follower.Seen running(long done, Long total, Integer percent) {
    return new Follower.Seen(
        SessionPhase.Running,
        "Running",
        "Job runs",
        new Progress().bytesDone(done).bytesTotal(total).bytesPerSecond(2L << 20).percent(percent));
  }

  @Test
  void aRunningLineShowsBytesRateAndPercentWhereKnown() {
    assertThat(Follower.line(running(3L << 30, 6L << 30, 50)))
        .isEqualTo("Running  3.0 GiB of 6.0 GiB  2.0 MiB/s  50%");
    assertThat(Follower.line(running(512, null, null))).isEqualTo("Running  512 B  2.0 MiB/s");
    assertThat(Follower.line(new Follower.Seen(null, null, null, null)))
        .isEqualTo("Pending: waiting for the operator");
    assertThat(
            Follower.line(
                new Follower.Seen(SessionPhase.Pending, "JobCreated", "Job x created", null)))
        .isEqualTo("Pending: Job x created");
  }

  @Test
  void onATerminalOneLineIsRewrittenAndWithoutOneEachPhaseIsALine() {
    List<Follower.Seen> looks =
        List.of(
            new Follower.Seen(SessionPhase.Pending, null, "waiting", null),
            running(1024, null, null),
            running(1024, null, null),
            new Follower.Seen(SessionPhase.Succeeded, "Completed", "done", null));

    StringWriter terminal = new StringWriter();
    Iterator<Follower.Seen> first = looks.iterator();
    new Follower(new PrintWriter(terminal), true, Duration.ZERO, 80).follow(first::next, null);
    StringWriter plain = new StringWriter();
    Iterator<Follower.Seen> second = looks.iterator();
    Follower.Seen end =
        new Follower(new PrintWriter(plain), false, Duration.ZERO, 80).follow(second::next, null);

    assertThat(terminal.toString())
        .isEqualTo(
            "\r\033[KPending: waiting\r\033[KRunning  1.0 KiB  2.0 MiB/s\r\033[KSucceeded\n");
    assertThat(plain.toString())
        .isEqualTo("Pending: waiting\nRunning  1.0 KiB  2.0 MiB/s\nSucceeded\n");
    assertThat(end.phase()).isEqualTo(SessionPhase.Succeeded);
  }

  @Test
  void aSessionTheOperatorNeverAnswersIsToldOnceAndStillFollowed() {
    Iterator<Follower.Seen> looks =
        List.of(
                new Follower.Seen(null, null, null, null),
                new Follower.Seen(null, null, null, null),
                new Follower.Seen(null, null, null, null),
                new Follower.Seen(SessionPhase.Succeeded, "Completed", "done", null))
            .iterator();
    StringWriter plain = new StringWriter();

    new Follower(new PrintWriter(plain), false, Duration.ZERO, Duration.ZERO, 80)
        .follow(looks::next, null);

    assertThat(plain.toString())
        .isEqualTo(
            "Pending: waiting for the operator\nnote: no answer from the operator after 0 s; is it"
                + " running? (kubectl get pods -A -l app.kubernetes.io/name=keepsake)\nSucceeded\n");
  }

  @Test
  void anApiServerThatIsAwayForAMomentIsWaitedForAndAMissingSessionIsNot() {
    Iterator<Object> looks =
        List.<Object>of(
                CliException.transientFailure("no cluster: cannot reach the API server at x"),
                CliException.transientFailure("no cluster: cannot reach the API server at x"),
                new Follower.Seen(SessionPhase.Succeeded, "Completed", "done", null))
            .iterator();
    StringWriter plain = new StringWriter();

    Follower.Seen end =
        new Follower(new PrintWriter(plain), false, Duration.ZERO, 80)
            .follow(
                () -> {
                  Object next = looks.next();
                  if (next instanceof CliException failure) {
                    throw failure;
                  }
                  return (Follower.Seen) next;
                },
                null);

    assertThat(end.phase()).isEqualTo(SessionPhase.Succeeded);
    assertThat(plain.toString())
        .isEqualTo(
            "note: no cluster: cannot reach the API server at x; trying again for up to 60 s\n"
                + "Succeeded\n");
    assertThatThrownBy(
            () ->
                new Follower(new PrintWriter(new StringWriter()), false, Duration.ZERO, 80)
                    .follow(
                        () -> {
                          throw new CliException("BackupSession x not found in namespace shop");
                        },
                        null))
        .hasMessage("BackupSession x not found in namespace shop");
  }

  @Test
  void onATerminalALongLineIsCutToItsWidthSoItCanBeRewritten() {
    StringWriter terminal = new StringWriter();
    Iterator<Follower.Seen> looks =
        List.of(
                new Follower.Seen(SessionPhase.Pending, null, "x".repeat(100), null),
                new Follower.Seen(SessionPhase.Succeeded, null, null, null))
            .iterator();

    new Follower(new PrintWriter(terminal), true, Duration.ZERO, 40).follow(looks::next, null);

    assertThat(terminal.toString()).startsWith("\r\033[KPending: " + "x".repeat(27) + "...\r");
  }

  @Test
  void followingStopsAtTheTimeoutAndSaysTheSessionGoesOn() {
    Follower follower =
        new Follower(new PrintWriter(new StringWriter()), false, Duration.ofMillis(10), 80);
    assertThatThrownBy(() -> follower.follow(() -> running(1, null, null), Duration.ofMillis(50)))
        .hasMessageStartingWith("still Running after")
        .hasMessageEndingWith("; it goes on in the cluster");
  }
}
