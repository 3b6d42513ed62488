package dev.keepsake.runner.sql;

import dev.keepsake.runner.Log;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Runs a dump tool with its output going on to ours (and so to restic), while a scanner counts what
 * it delivers: from the SQL text itself, or, for a binary archive, from the table of contents that
 * {@code pg_restore --list} reads from a copy of the stream.
 */
public final class DumpPipe {
  private DumpPipe() {}

  /** The tool's exit code and what it delivered. */
  public record Outcome(int exit, TableCounts delivered) {}

  public static Outcome plain(List<String> dump, DumpScanner scanner, OutputStream out)
      throws IOException, InterruptedException {
    Process tool = start(dump);
    LineStarts lines = new LineStarts(scanner::line);
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = tool.getInputStream()) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        out.write(buffer, 0, n);
        lines.accept(buffer, 0, n);
      }
    }
    lines.finish();
    out.flush();
    return new Outcome(tool.waitFor(), scanner.counts());
  }

  /**
   * A pg_dump custom-format archive, its tables counted by pg_restore --list on a copy of the
   * stream.
   */
  public static Outcome archive(List<String> dump, String database, OutputStream out)
      throws IOException, InterruptedException {
    Process tool = start(dump);
    TableCounts delivered;
    try (InputStream in = tool.getInputStream()) {
      delivered = copyArchive(in, out, database);
    }
    return new Outcome(tool.waitFor(), delivered);
  }

  /** Copies an archive from one stream to the other; the tables its table of contents lists. */
  public static TableCounts copyArchive(InputStream in, OutputStream out, String database)
      throws IOException {
    Process lister =
        new ProcessBuilder("pg_restore", "--list")
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    DumpScanner toc = new DumpScanner(DumpScanner.Dialect.POSTGRES_TOC, database);
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader listing =
                  new BufferedReader(
                      new InputStreamReader(lister.getInputStream(), StandardCharsets.UTF_8))) {
                listing.lines().forEach(toc::line);
              } catch (IOException | RuntimeException e) {
                Log.warn("could not read pg_restore's table of contents: %s", e.getMessage());
              }
            },
            "pg-restore-list");
    reader.start();
    OutputStream copy = lister.getOutputStream();
    boolean listerReading = true;
    byte[] buffer = new byte[1 << 16];
    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
      out.write(buffer, 0, n);
      if (listerReading) {
        try {
          copy.write(buffer, 0, n);
        } catch (IOException listerDone) {
          // pg_restore --list stops reading once it has the table of contents.
          listerReading = false;
        }
      }
    }
    try {
      copy.close();
    } catch (IOException alreadyClosed) {
      // it stopped reading before the end
    }
    out.flush();
    try {
      int listed = lister.waitFor();
      reader.join();
      if (listed != 0) {
        throw new SqlClient.CensusFailed(
            "pg_restore --list could not read the archive's table of contents (exit "
                + listed
                + ")");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SqlClient.CensusFailed("interrupted while reading the archive's table of contents");
    }
    return toc.counts();
  }

  private static Process start(List<String> dump) throws IOException {
    return new ProcessBuilder(dump)
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .redirectInput(ProcessBuilder.Redirect.INHERIT)
        .start();
  }
}
