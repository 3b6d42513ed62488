package dev.keepsake.api;

import java.time.OffsetDateTime;

/** How far a running backup or restore has got. */
public class Progress {
  private Long bytesDone;
  private Long bytesTotal;
  private Integer percent;
  private Long bytesPerSecond;
  private OffsetDateTime updateTime;

  public Long getBytesDone() {
    return bytesDone;
  }

  public Progress bytesDone(Long bytesDone) {
    this.bytesDone = bytesDone;
    return this;
  }

  public Long getBytesTotal() {
    return bytesTotal;
  }

  public Progress bytesTotal(Long bytesTotal) {
    this.bytesTotal = bytesTotal;
    return this;
  }

  public Integer getPercent() {
    return percent;
  }

  public Progress percent(Integer percent) {
    this.percent = percent;
    return this;
  }

  public Long getBytesPerSecond() {
    return bytesPerSecond;
  }

  public Progress bytesPerSecond(Long bytesPerSecond) {
    this.bytesPerSecond = bytesPerSecond;
    return this;
  }

  public OffsetDateTime getUpdateTime() {
    return updateTime;
  }

  public Progress updateTime(OffsetDateTime updateTime) {
    this.updateTime = updateTime;
    return this;
  }
}
