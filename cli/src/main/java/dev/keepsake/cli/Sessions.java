package dev.keepsake.cli;

import dev.keepsake.api.ApiKind;
import dev.keepsake.api.BackupSession;
import dev.keepsake.api.RestoreSession;
import dev.keepsake.api.SessionStatus;
import dev.keepsake.desired.Names;
import java.io.PrintWriter;

/** Names for sessions made by hand, and how a followed session's end is told. */
final class Sessions {
  private Sessions() {}

  /**
   * {@code <base>-<what>-<UTC time>-<4 letters>}, within the 63 characters a label value allows.
   */
  static String name(String base, String what) {
    return Names.fit(base + "-" + what + "-" + Stamps.now(), Names.JOB_MAX);
  }

  static Follower.Seen seen(SessionStatus<?> status) {
    return status == null
        ? new Follower.Seen(null, null, null, null)
        : new Follower.Seen(
            status.getPhase(), status.getReason(), status.getMessage(), status.getProgress());
  }

  static Follower.Seen lookAt(Kube kube, ApiKind<?, ?> kind, String namespace, String name) {
    if (kind == ApiKind.BACKUP_SESSION) {
      BackupSession session = kube.get(ApiKind.BACKUP_SESSION, namespace, name);
      return seen(session.getStatus());
    }
    RestoreSession session = kube.get(ApiKind.RESTORE_SESSION, namespace, name);
    return seen(session.getStatus());
  }

  /**
   * The end in one line, and where to look next when it failed; exit status 0 only for Succeeded.
   */
  static int report(PrintWriter out, PrintWriter err, String what, Follower.Seen end, String next) {
    String line =
        what
            + " "
            + end.phase()
            + (end.reason() == null ? "" : " (" + end.reason() + ")")
            + (end.message() == null ? "" : ": " + end.message());
    if (end.phase() == dev.keepsake.api.SessionPhase.Succeeded) {
      out.println(line);
      out.flush();
      return 0;
    }
    err.println("error: " + line);
    if (next != null && end.phase() == dev.keepsake.api.SessionPhase.Failed) {
      err.println("Look closer: " + next);
    }
    err.flush();
    return 1;
  }
}
