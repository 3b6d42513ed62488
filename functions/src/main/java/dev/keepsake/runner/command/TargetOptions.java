package dev.keepsake.runner.command;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Whose snapshots: restic's host and tags identify a target in a shared repository. */
public final class TargetOptions {
  @Option(
      names = "--host",
      required = true,
      defaultValue = "${env:KEEPSAKE_HOST}",
      description = "restic host naming the target, e.g. demo/redis. Env: KEEPSAKE_HOST.")
  String host;

  @Option(
      names = "--tag",
      split = ",",
      defaultValue = "${env:KEEPSAKE_TAGS}",
      description =
          "restic tags of the target's snapshots (repeat or comma-separate). Env: KEEPSAKE_TAGS.")
  List<String> tags = new ArrayList<>();

  List<String> tags() {
    return tags == null ? List.of() : tags.stream().filter(t -> !t.isBlank()).toList();
  }
}
