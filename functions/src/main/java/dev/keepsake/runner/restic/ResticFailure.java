package dev.keepsake.runner.restic;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What went wrong in a restic call, told apart from restic's stderr so the user reads "wrong
 * password" or "endpoint unreachable" rather than restic's generic "Is there a repository...?".
 */
public record ResticFailure(Reason reason, String message) {

  /** Machine-readable causes, used as status reasons (CamelCase) and metric label values. */
  public enum Reason {
    WrongPassword,
    EndpointUnreachable,
    BucketNotFound,
    RepositoryNotFound,
    AccessDenied,
    RepositoryLocked,
    MissingCredentials,
    ResticFailed
  }

  private static final Pattern LOCKED_BY =
      Pattern.compile("(?:already locked|locked exclusively) by (PID \\d+ on [^ ]+ by [^ \\n]+)");

  /**
   * Classifies a failed restic call from its stderr; {@code what} names the call ("restic backup").
   */
  public static ResticFailure of(String what, int exitCode, String stderr, String location) {
    String text = stderr == null ? "" : stderr;
    String lower = text.toLowerCase(Locale.ROOT);
    if (lower.contains("wrong password or no key found")) {
      return new ResticFailure(
          Reason.WrongPassword,
          "wrong repository password: RESTIC_PASSWORD in the repository Secret does not open "
              + location);
    }
    if (containsAny(
        lower,
        "connection refused",
        "no such host",
        "i/o timeout",
        "network is unreachable",
        "context deadline exceeded",
        "tls: ",
        "x509: ",
        "connection reset")) {
      return new ResticFailure(
          Reason.EndpointUnreachable,
          "cannot reach the repository endpoint of "
              + location
              + ": "
              + firstLineWith(
                  text,
                  "connection refused",
                  "no such host",
                  "i/o timeout",
                  "network is unreachable",
                  "deadline exceeded",
                  "tls: ",
                  "x509: ",
                  "connection reset"));
    }
    if (containsAny(
        lower, "nosuchbucket", "bucket does not exist", "specified bucket does not exist")) {
      return new ResticFailure(
          Reason.BucketNotFound, "the bucket of " + location + " does not exist");
    }
    if (containsAny(
        lower,
        "access denied",
        "accessdenied",
        "invalidaccesskeyid",
        "signaturedoesnotmatch",
        "forbidden",
        "permission denied")) {
      return new ResticFailure(
          Reason.AccessDenied,
          "access to "
              + location
              + " was denied: "
              + firstLineWith(
                  text,
                  "denied",
                  "AccessDenied",
                  "InvalidAccessKeyId",
                  "SignatureDoesNotMatch",
                  "Forbidden",
                  "permission denied"));
    }
    Matcher locked = LOCKED_BY.matcher(text);
    if (locked.find()) {
      return new ResticFailure(
          Reason.RepositoryLocked,
          "the repository "
              + location
              + " is locked by a live process ("
              + locked.group(1)
              + "); the lock was left alone. It is removed automatically once stale (restic: 30 minutes"
              + " without refresh, or its process gone on the same host), at a later run once it is"
              + " known as the lock of a Keepsake runner that has ended, or by `keepsake unlock`.");
    }
    if (containsAny(
        lower, "is there a repository at the following location", "unable to open config file")) {
      return new ResticFailure(Reason.RepositoryNotFound, "no restic repository at " + location);
    }
    String how =
        exitCode > 128
            ? " was killed by signal " + (exitCode - 128)
            : " failed with exit code " + exitCode;
    return new ResticFailure(
        Reason.ResticFailed, what + how + (text.isBlank() ? "" : ": " + lastLines(text, 5)));
  }

  private static boolean containsAny(String text, String... needles) {
    return List.of(needles).stream().anyMatch(text::contains);
  }

  private static String firstLineWith(String text, String... needles) {
    return text.lines()
        .filter(
            line ->
                List.of(needles).stream()
                    .anyMatch(
                        n -> line.toLowerCase(Locale.ROOT).contains(n.toLowerCase(Locale.ROOT))))
        .map(line -> line.replaceFirst("^Fatal: ", "").trim())
        .findFirst()
        .orElse(lastLines(text, 1));
  }

  static String lastLines(String text, int count) {
    List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
  }
}
