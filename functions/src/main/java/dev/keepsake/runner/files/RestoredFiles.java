package dev.keepsake.runner.files;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.keepsake.runner.RunFailure;
import dev.keepsake.runner.process.ExternalProgram;
import dev.keepsake.runner.restic.Restic;
import dev.keepsake.runner.restic.ResticFailure;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * After a restore of a whole snapshot: is every file of the snapshot in the target folder, with its
 * size? Read from the snapshot's own listing ({@code restic ls --json}), so nothing is taken on
 * trust.
 */
public final class RestoredFiles {
  private static final int NAMED = 5;

  private RestoredFiles() {}

  /**
   * Files of the snapshot found in place, the ones missing or of another size (the first few
   * named).
   */
  public record Check(long files, long bytes, long missing, List<String> firstMissing) {}

  public static Check check(Restic restic, String snapshotId, Path target, Duration timeout) {
    long[] found = {0, 0, 0};
    List<String> firstMissing = new ArrayList<>();
    ExternalProgram list =
        ExternalProgram.start(
            "restic ls",
            restic.command(List.of("ls", "--json", snapshotId)),
            restic.environment(),
            stdout -> {
              BufferedReader lines =
                  new BufferedReader(new InputStreamReader(stdout, StandardCharsets.UTF_8));
              for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (!line.startsWith("{")) {
                  continue;
                }
                JsonObject node = JsonParser.parseString(line).getAsJsonObject();
                if (!node.has("type") || !"file".equals(node.get("type").getAsString())) {
                  continue;
                }
                String path = node.get("path").getAsString();
                long size = node.has("size") ? node.get("size").getAsLong() : 0;
                Path restored = target.resolve(path.replaceFirst("^/+", ""));
                if (Files.isRegularFile(restored, LinkOption.NOFOLLOW_LINKS)
                    && Files.size(restored) == size) {
                  found[0]++;
                  found[1] += size;
                } else {
                  found[2]++;
                  if (firstMissing.size() < NAMED) {
                    firstMissing.add(path);
                  }
                }
              }
            },
            null);
    list.closeStdin();
    int exit = list.awaitExit(timeout).orElse(-1);
    if (exit == -1) {
      list.interrupt();
    }
    if (exit != 0) {
      ResticFailure failure =
          ResticFailure.of(
              "restic ls",
              exit,
              restic.redactor().redact(list.stderrTail()),
              restic.repository().displayLocation());
      throw new RunFailure(
          failure.reason().name(),
          "the files were restored, but the snapshot's listing"
              + " to check them could not be read: "
              + failure.message());
    }
    return new Check(found[0], found[1], found[2], List.copyOf(firstMissing));
  }
}
