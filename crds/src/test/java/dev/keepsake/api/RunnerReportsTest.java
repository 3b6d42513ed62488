package dev.keepsake.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

/** What the runner writes for the operator: status patches and its termination report. */
class RunnerReportsTest {
  @Test
  void aStatusPatchCarriesOnlyTheFieldsTheRunnerSetSoItNeverOverwritesThePhase() {
    BackupSessionStatus results =
        new BackupSessionStatus()
            .bytesProcessed(2048L)
            .size("2.0 KiB")
            .retention(new RetentionResult().kept(3).removed(1).pruned(true));
    results
        .snapshotId("1a2b3c4d")
        .message("done")
        .progress(
            new Progress()
                .bytesDone(2048L)
                .updateTime(OffsetDateTime.parse("2026-12-06T09:00:00Z")));

    assertThat(Manifests.toJson(results))
        .isEqualTo(
            JsonParser.parseString(
                """
        {"snapshotId": "1a2b3c4d", "message": "done", "bytesProcessed": 2048, "size": "2.0 KiB",
         "retention": {"kept": 3, "removed": 1, "pruned": true},
         "progress": {"bytesDone": 2048, "updateTime": "2026-12-06T09:00:00.000000Z"}}"""));
  }

  @Test
  void aReportIsReadBackAndAMessageThatIsNotOneIsKeptAsText() {
    RunnerReport report = new RunnerReport("RedisRefused", "Redis at redis://x refused the login");

    assertThat(RunnerReport.parse(report.toJson())).isEqualTo(report);
    assertThat(RunnerReport.parse(" exec format error\n"))
        .isEqualTo(new RunnerReport(null, "exec format error"));
    assertThat(new RunnerReport(RunnerReport.COMPLETED, "ok").completed()).isTrue();
  }

  @Test
  void aLongReportIsCutToWhatKubernetesKeeps() {
    String json = new RunnerReport("DumpFailed", "é".repeat(5000)).toJson();

    assertThat(json.getBytes(StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(RunnerReport.LIMIT);
    assertThat(RunnerReport.parse(json).message())
        .endsWith("…")
        .startsWith("éé")
        .hasSizeGreaterThan(1900);
  }
}
