package dev.keepsake.runner;

import dev.keepsake.restic.ResticRepository;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Removes credential values from text before it reaches a log, a status, an Event or a metric. */
public final class Redactor {
  private static final String MASK = "***";
  /** Shorter values (a "0" or "on") would mask ordinary words; none is a credential anyway. */
  private static final int MIN_SECRET_LENGTH = 4;
  private final List<String> secrets;

  private Redactor(List<String> secrets) {
    this.secrets = secrets;
  }

  public static Redactor forEnvironment(Map<String, String> environment, List<String> extraSecrets) {
    List<String> values =
        java.util.stream.Stream.concat(
                ResticRepository.SECRET_KEYS.stream().map(environment::get), extraSecrets.stream())
            .filter(Objects::nonNull)
            .filter(value -> value.length() >= MIN_SECRET_LENGTH)
            .distinct()
            // Longest first, so a secret that contains another is masked whole.
            .sorted(Comparator.comparingInt(String::length).reversed())
            .toList();
    return new Redactor(values);
  }

  public String redact(String text) {
    if (text == null) {
      return null;
    }
    String result = text;
    for (String secret : secrets) {
      result = result.replace(secret, MASK);
    }
    // user:password@ in any URL, whatever its origin.
    return result.replaceAll("(://)[^/\\s:@]+:[^/\\s@]+@", "$1" + MASK + "@");
  }
}
