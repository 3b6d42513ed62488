package dev.keepsake.runner.files;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * restic's {@code --exclude} patterns, matched the way restic matches them, so that the runner can
 * count the files a backup should hold: a pattern's components (split at "/") must match
 * consecutive components of the absolute path, anywhere in it unless the pattern starts with "/";
 * each component is a shell glob ({@code *}, {@code ?}, {@code [...]}, backslash escapes) and
 * {@code **} stands for any number of components. A path inside a matched folder is matched too.
 */
public final class ExcludePatterns {
  private final List<List<Part>> patterns;

  private record Part(Pattern glob, boolean anyDepth, boolean root) {}

  private ExcludePatterns(List<List<Part>> patterns) {
    this.patterns = patterns;
  }

  /** Null when some pattern is one the runner cannot match as restic would (a negation "!..."). */
  public static ExcludePatterns of(List<String> patterns) {
    List<List<Part>> parsed = new ArrayList<>();
    for (String pattern : patterns) {
      if (pattern.isEmpty()) {
        continue;
      }
      if (pattern.startsWith("!")) {
        return null;
      }
      parsed.add(parse(pattern));
    }
    return new ExcludePatterns(parsed);
  }

  public boolean isEmpty() {
    return patterns.isEmpty();
  }

  /** Whether restic leaves out this absolute path (a folder's whole content with it). */
  public boolean excludes(String absolutePath) {
    List<String> components = split(absolutePath);
    for (List<Part> pattern : patterns) {
      if (matches(pattern, components)) {
        return true;
      }
    }
    return false;
  }

  private static List<Part> parse(String pattern) {
    List<Part> parts = new ArrayList<>();
    List<String> components = split(clean(pattern));
    for (String component : components) {
      if (component.equals("/")) {
        parts.add(new Part(null, false, true));
      } else if (component.equals("**")) {
        parts.add(new Part(null, true, false));
      } else {
        parts.add(new Part(Pattern.compile(globToRegex(component), Pattern.DOTALL), false, false));
      }
    }
    return parts;
  }

  private static String clean(String pattern) {
    String cleaned = pattern.replaceAll("/+", "/");
    List<String> kept = new ArrayList<>();
    for (String component : cleaned.split("/", -1)) {
      if (!component.equals(".")) {
        kept.add(component);
      }
    }
    String joined = String.join("/", kept);
    return joined.length() > 1 && joined.endsWith("/")
        ? joined.substring(0, joined.length() - 1)
        : joined;
  }

  private static List<String> split(String path) {
    List<String> components = new ArrayList<>();
    if (path.startsWith("/")) {
      components.add("/");
    }
    for (String component : path.split("/")) {
      if (!component.isEmpty()) {
        components.add(component);
      }
    }
    return components;
  }

  private static boolean matches(List<Part> pattern, List<String> path) {
    int wildcard = -1;
    for (int i = 0; i < pattern.size(); i++) {
      if (pattern.get(i).anyDepth()) {
        wildcard = i;
        break;
      }
    }
    if (wildcard >= 0) {
      // ** expands to zero or more single-component wildcards.
      Part any = new Part(Pattern.compile("[^/]*"), false, false);
      for (int width = 0; width <= path.size() - pattern.size() + 1; width++) {
        List<Part> expanded = new ArrayList<>(pattern.subList(0, wildcard));
        for (int i = 0; i < width; i++) {
          expanded.add(any);
        }
        expanded.addAll(pattern.subList(wildcard + 1, pattern.size()));
        if (matches(expanded, path)) {
          return true;
        }
      }
      return false;
    }
    if (pattern.isEmpty() || pattern.size() > path.size()) {
      return pattern.isEmpty() && path.isEmpty();
    }
    boolean rooted = pattern.get(0).root();
    int maxOffset = rooted ? 0 : path.size() - pattern.size();
    int minOffset = !rooted && path.get(0).equals("/") ? 1 : 0;
    outer:
    for (int offset = maxOffset; offset >= minOffset; offset--) {
      for (int i = 0; i < pattern.size(); i++) {
        Part part = pattern.get(i);
        String component = path.get(offset + i);
        boolean ok = part.root() ? component.equals("/") : part.glob().matcher(component).matches();
        if (!ok) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /**
   * A shell glob of one path component (as Go's filepath.Match reads it) as a regular expression.
   */
  static String globToRegex(String glob) {
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      switch (c) {
        case '*' -> regex.append("[^/]*");
        case '?' -> regex.append("[^/]");
        case '\\' -> {
          if (i + 1 < glob.length()) {
            regex.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
          }
        }
        case '[' -> {
          int end = glob.indexOf(']', i + 2);
          if (end < 0) {
            throw new IllegalArgumentException(
                "the exclude pattern '" + glob + "' has a [ without its ]");
          }
          String set = glob.substring(i + 1, end);
          boolean negated = set.startsWith("^");
          if (negated) {
            set = set.substring(1);
          }
          regex.append(negated ? "[^/" : "[");
          for (char member : set.toCharArray()) {
            regex.append(
                member == '-'
                    ? "-"
                    : Character.isLetterOrDigit(member) ? String.valueOf(member) : "\\" + member);
          }
          regex.append(']');
          i = end;
        }
        default -> regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return regex.toString();
  }
}
