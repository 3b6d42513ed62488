package dev.keepsake.runner.command;

import dev.keepsake.api.Manifests;
import dev.keepsake.api.RepositorySpec;
import dev.keepsake.restic.ResticRepository;
import dev.keepsake.runner.restic.Restic;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Which repository to use: a Repository spec as JSON (set by the operator) or a plain restic
 * location.
 */
public final class RepositoryOptions {
  @Option(
      names = "--repository",
      defaultValue = "${env:KEEPSAKE_REPOSITORY}",
      description =
          "The Repository's spec as JSON (no credentials; they come from the environment). Env: KEEPSAKE_REPOSITORY.")
  String repositorySpec;

  @Option(
      names = "--repository-name",
      defaultValue = "${env:KEEPSAKE_REPOSITORY_NAME:-repository}",
      description =
          "The Repository's name, for the metrics' grouping key. Env: KEEPSAKE_REPOSITORY_NAME.")
  String name;

  @Option(
      names = "--repository-location",
      defaultValue = "${env:RESTIC_REPOSITORY}",
      description =
          "A restic repository string, when there is no Repository spec. Env: RESTIC_REPOSITORY.")
  String location;

  @Option(
      names = "--no-initialize",
      description = "Fail instead of initializing a repository that does not exist yet.")
  boolean noInitialize;

  @Option(
      names = "--scratch-dir",
      defaultValue = "${env:KEEPSAKE_SCRATCH_DIR:-${sys:java.io.tmpdir}}",
      description =
          "Where to keep small private files (CA certificate, include lists). Env: KEEPSAKE_SCRATCH_DIR.")
  Path scratch;

  /** The Repository spec given as JSON, or null when only a restic location was given. */
  private RepositorySpec spec() {
    return repositorySpec == null || repositorySpec.isBlank()
        ? null
        : Manifests.toModel(
            com.google.gson.JsonParser.parseString(repositorySpec).getAsJsonObject(),
            RepositorySpec.class);
  }

  ResticRepository repository() {
    RepositorySpec spec = spec();
    if (spec != null) {
      return ResticRepository.of(spec);
    }
    if (location != null && !location.isBlank()) {
      return ResticRepository.ofLocation(location);
    }
    throw new IllegalArgumentException(
        "no repository given: set --repository (or KEEPSAKE_REPOSITORY) or RESTIC_REPOSITORY");
  }

  boolean initialize() {
    if (noInitialize) {
      return false;
    }
    RepositorySpec spec = spec();
    return spec == null || spec.getInitialize() == null || spec.getInitialize();
  }

  /**
   * The repository with its credentials checked, and nothing else done: for a restore, whose first
   * restic call finds out whether the repository is there and opens, and never creates it.
   */
  Restic openAsIs(Map<String, String> environment) {
    return Restic.open(repository(), environment, scratch);
  }

  /** Opens the repository: credentials checked, created if allowed, stale locks removed. */
  Restic open(Map<String, String> environment) {
    Restic restic = Restic.open(repository(), environment, scratch);
    restic.prepare(initialize());
    return restic;
  }
}
