package dev.keepsake.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * What may come next on a command line, in the format kubectl's plugin completion and cobra
 * programs use: one candidate a line ("value" or "value\tdescription"), then ":directive". The
 * shell scripts of `completion` and kubectl_complete-keepsake all ask this one place.
 */
final class Completion {
  /** Cobra's directives: no file names as a fallback; the default lets the shell offer files. */
  static final int NO_FILE_COMPLETION = 4;

  static final int DEFAULT = 0;

  /** Where the names of objects come from; an unreachable cluster gives none. */
  interface Names {
    List<String> of(Kind kind, Scope scope);
  }

  /** The kinds of names a command line can take. */
  enum Kind {
    CONFIGURATION,
    REPOSITORY,
    SESSION,
    APP_BINDING,
    NAMESPACE,
    CONTEXT
  }

  /** The cluster flags given so far, which decide where names are looked up. */
  record Scope(String kubeconfig, String context, String namespace) {}

  record Candidate(String value, String description) {
    String line() {
      return description == null || description.isBlank() ? value : value + "\t" + description;
    }
  }

  record Answer(List<Candidate> candidates, int directive) {
    String text() {
      StringBuilder text = new StringBuilder();
      candidates.forEach(c -> text.append(c.line()).append('\n'));
      return text.append(':').append(directive).append('\n').toString();
    }
  }

  /** Which kind of name each command's positional parameter is. */
  private static final Map<String, Kind> POSITIONAL =
      Map.of(
          "trigger",
          Kind.CONFIGURATION,
          "pause",
          Kind.CONFIGURATION,
          "resume",
          Kind.CONFIGURATION,
          "status",
          Kind.CONFIGURATION,
          "restore",
          Kind.CONFIGURATION,
          "snapshots",
          Kind.REPOSITORY,
          "unlock",
          Kind.REPOSITORY,
          "check",
          Kind.REPOSITORY,
          "logs",
          Kind.SESSION);

  /**
   * Which kind of name an option's value is; options with fixed values are read from their enum.
   */
  private static final Map<String, Kind> OPTION_VALUES =
      Map.of(
          "--namespace",
          Kind.NAMESPACE,
          "--context",
          Kind.CONTEXT,
          "--to",
          Kind.APP_BINDING,
          "--repository",
          Kind.REPOSITORY);

  private Completion() {}

  /**
   * Candidates for the last word of {@code words} (the words after the program's name; the last may
   * be empty).
   */
  static Answer complete(CommandLine root, List<String> words, Names names) {
    List<String> done = words.isEmpty() ? List.of() : words.subList(0, words.size() - 1);
    String partial = words.isEmpty() ? "" : words.get(words.size() - 1);
    CommandLine command = root;
    String kubeconfig = null;
    String context = null;
    String namespace = null;
    int positionals = 0;
    for (int i = 0; i < done.size(); i++) {
      String word = done.get(i);
      Optional<OptionSpec> option = option(command.getCommandSpec(), word);
      if (option.isPresent()) {
        String value = null;
        if (takesValue(option.get()) && !word.contains("=")) {
          value = i + 1 < done.size() ? done.get(++i) : null;
        } else if (word.contains("=")) {
          value = word.substring(word.indexOf('=') + 1);
        }
        String longName = option.get().longestName();
        if ("--namespace".equals(longName)) {
          namespace = value;
        } else if ("--context".equals(longName)) {
          context = value;
        } else if ("--kubeconfig".equals(longName)) {
          kubeconfig = value;
        }
        continue;
      }
      CommandLine sub = command.getSubcommands().get(word);
      if (sub != null && command == root) {
        command = sub;
        continue;
      }
      if (!word.startsWith("-")) {
        positionals++;
      }
    }
    Scope scope = new Scope(kubeconfig, context, namespace);
    if (!done.isEmpty()) {
      Optional<OptionSpec> previous = option(command.getCommandSpec(), done.get(done.size() - 1));
      if (previous.isPresent()
          && takesValue(previous.get())
          && !done.get(done.size() - 1).contains("=")) {
        return values(previous.get(), partial, scope, names);
      }
    }
    if (partial.startsWith("--") && partial.contains("=")) {
      String name = partial.substring(0, partial.indexOf('=') + 1);
      Optional<OptionSpec> option = option(command.getCommandSpec(), partial);
      if (option.isEmpty() || !takesValue(option.get())) {
        return new Answer(List.of(), NO_FILE_COMPLETION);
      }
      Answer values = values(option.get(), partial.substring(name.length()), scope, names);
      return new Answer(
          values.candidates().stream()
              .map(c -> new Candidate(name + c.value(), c.description()))
              .toList(),
          values.directive());
    }
    if (partial.startsWith("-")) {
      return new Answer(filter(options(command.getCommandSpec()), partial), NO_FILE_COMPLETION);
    }
    if (command == root) {
      List<Candidate> subcommands = new ArrayList<>();
      root.getSubcommands()
          .forEach(
              (name, sub) -> {
                if (!sub.getCommandSpec().usageMessage().hidden() && !name.equals("help")) {
                  subcommands.add(
                      new Candidate(
                          name, firstLine(sub.getCommandSpec().usageMessage().description())));
                }
              });
      return new Answer(filter(subcommands, partial), NO_FILE_COMPLETION);
    }
    String name = command.getCommandName();
    if ("completion".equals(name) && positionals == 0) {
      return new Answer(
          filter(
              List.of(
                  new Candidate("bash", null),
                  new Candidate("zsh", null),
                  new Candidate("fish", null)),
              partial),
          NO_FILE_COMPLETION);
    }
    Kind kind = POSITIONAL.get(name);
    if (kind == null || positionals > 0) {
      return new Answer(List.of(), NO_FILE_COMPLETION);
    }
    return new Answer(filter(named(names.of(kind, scope)), partial), NO_FILE_COMPLETION);
  }

  private static Answer values(OptionSpec option, String partial, Scope scope, Names names) {
    Class<?> type = option.type();
    if (type.isEnum()) {
      List<Candidate> constants = new ArrayList<>();
      for (Object constant : type.getEnumConstants()) {
        constants.add(new Candidate(constant.toString(), null));
      }
      return new Answer(filter(constants, partial), NO_FILE_COMPLETION);
    }
    if ("--kubeconfig".equals(option.longestName())) {
      return new Answer(List.of(), DEFAULT);
    }
    if ("--snapshot".equals(option.longestName())) {
      return new Answer(
          filter(List.of(new Candidate("latest", "the newest snapshot of the target")), partial),
          NO_FILE_COMPLETION);
    }
    Kind kind = OPTION_VALUES.get(option.longestName());
    return new Answer(
        kind == null ? List.of() : filter(named(names.of(kind, scope)), partial),
        NO_FILE_COMPLETION);
  }

  private static Optional<OptionSpec> option(CommandSpec spec, String word) {
    if (!word.startsWith("-") || word.equals("-") || word.equals("--")) {
      return Optional.empty();
    }
    String name = word.contains("=") ? word.substring(0, word.indexOf('=')) : word;
    return Optional.ofNullable(spec.findOption(name));
  }

  private static boolean takesValue(OptionSpec option) {
    return option.arity().max() > 0;
  }

  private static List<Candidate> options(CommandSpec spec) {
    List<Candidate> options = new ArrayList<>();
    for (OptionSpec option : spec.options()) {
      if (option.hidden()) {
        continue;
      }
      for (String name : option.names()) {
        if (name.startsWith("--")) {
          options.add(new Candidate(name, firstLine(option.description())));
        }
      }
    }
    return options;
  }

  private static List<Candidate> named(List<String> values) {
    return values.stream().map(v -> new Candidate(v, null)).toList();
  }

  private static List<Candidate> filter(List<Candidate> candidates, String partial) {
    return candidates.stream().filter(c -> c.value().startsWith(partial)).toList();
  }

  private static String firstLine(String[] description) {
    return description == null || description.length == 0 ? null : description[0];
  }
}
