package dev.keepsake.testing;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the keepsake runner as its own JVM with the environment a Job would give it. */
final class RunnerProcess {
  /** A finished run: exit code, everything it logged, and its termination message. */
  record Result(int exit, String log, String reason, String message) {
    boolean succeeded() {
      return exit == 0;
    }
  }

  private final Map<String, String> environment;
  private final Path workDir;

  RunnerProcess(Path workDir, Map<String, String> environment) {
    this.workDir = workDir;
    this.environment = new HashMap<>(environment);
  }

  RunnerProcess with(String key, String value) {
    RunnerProcess copy = new RunnerProcess(workDir, environment);
    if (value == null) {
      copy.environment.remove(key);
    } else {
      copy.environment.put(key, value);
    }
    return copy;
  }

  String environmentValue(String key) {
    return environment.get(key);
  }

  Process start(List<String> args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC",
                "-Xmx128m",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.keepsake.runner.Keepsake"));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder
        .environment()
        .keySet()
        .removeIf(
            k -> k.startsWith("RESTIC_") || k.startsWith("AWS_") || k.startsWith("KEEPSAKE_"));
    builder.environment().putAll(environment);
    builder.environment().put("KEEPSAKE_TERMINATION_LOG", terminationLog().toString());
    builder.environment().putIfAbsent("KEEPSAKE_PROGRESS_INTERVAL", "1s");
    builder.environment().put("KEEPSAKE_SCRATCH_DIR", workDir.resolve("scratch").toString());
    try {
      Files.deleteIfExists(terminationLog());
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Result run(String... args) {
    return finish(start(List.of(args)));
  }

  Result finish(Process process) {
    try {
      String log = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(5, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException("the runner did not finish:\n" + log);
      }
      String reason = null;
      String message = null;
      if (Files.exists(terminationLog())) {
        JsonObject termination =
            JsonParser.parseString(Files.readString(terminationLog())).getAsJsonObject();
        reason = termination.get("reason").getAsString();
        message = termination.get("message").getAsString();
      }
      return new Result(process.exitValue(), log, reason, message);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** restic itself, with the same repository environment, for what the test checks afterwards. */
  String restic(String... args) {
    List<String> command = new ArrayList<>(List.of("restic"));
    if (environment.containsKey("KEEPSAKE_REPOSITORY_FLAGS")) {
      command.addAll(List.of(environment.get("KEEPSAKE_REPOSITORY_FLAGS").split(" ")));
    }
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
    builder.environment().putAll(environment);
    try {
      Process process = builder.start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      process.waitFor(2, TimeUnit.MINUTES);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Snapshots as restic lists them, oldest first. */
  JsonArray snapshots(String... filters) {
    List<String> args = new ArrayList<>(List.of("snapshots", "--json"));
    args.addAll(List.of(filters));
    String json = restic(args.toArray(String[]::new)).trim();
    return json.isEmpty() || "null".equals(json)
        ? new JsonArray()
        : JsonParser.parseString(json).getAsJsonArray();
  }

  int locks() {
    return (int) restic("list", "locks", "--no-lock").lines().filter(l -> !l.isBlank()).count();
  }

  private Path terminationLog() {
    return workDir.resolve("termination-log");
  }
}
