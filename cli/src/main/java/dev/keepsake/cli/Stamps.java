package dev.keepsake.cli;

import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The suffix of everything the plugin names: the UTC time, and four random letters for two users in
 * one second.
 */
final class Stamps {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
  private static final String LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  private Stamps() {}

  /** 20261206-093000-k3x9 */
  static String now() {
    return OffsetDateTime.now(ZoneOffset.UTC).format(TIME) + "-" + letters();
  }

  /** The same without the year, for ids of at most 20 characters: 1206-093000-k3x9 */
  static String shortNow() {
    return now().substring(4);
  }

  private static String letters() {
    StringBuilder letters = new StringBuilder();
    for (int i = 0; i < 4; i++) {
      letters.append(LETTERS.charAt(RANDOM.nextInt(LETTERS.length())));
    }
    return letters.toString();
  }
}
