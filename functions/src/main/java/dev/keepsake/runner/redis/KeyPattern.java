package dev.keepsake.runner.redis;

import java.util.regex.Pattern;

/**
 * Redis' glob syntax for key patterns ({@code *}, {@code ?}, {@code [abc]}, {@code [^a]}, {@code
 * \\} escapes).
 */
public final class KeyPattern {
  private KeyPattern() {}

  /** The pattern as a Java regex over ISO-8859-1 text, where each char is one byte. */
  public static String toRegex(String glob) {
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      switch (c) {
        case '*' -> regex.append(".*");
        case '?' -> regex.append('.');
        case '\\' -> {
          if (i + 1 < glob.length()) {
            regex.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
          }
        }
        case '[' -> {
          int end = glob.indexOf(']', i + 2);
          if (end < 0) {
            regex.append(Pattern.quote("["));
          } else {
            String set = glob.substring(i + 1, end);
            boolean negated = set.startsWith("^");
            regex
                .append('[')
                .append(negated ? "^" : "")
                .append(
                    set.substring(negated ? 1 : 0)
                        .replace("\\", "\\\\")
                        .replace("[", "\\[")
                        .replace("&", "\\&"))
                .append(']');
            i = end;
          }
        }
        default -> regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return regex.toString();
  }
}
