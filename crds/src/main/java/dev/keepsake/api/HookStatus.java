package dev.keepsake.api;

/** What one hook of a session did: its outcome, how long it took and the tail of its output. */
public class HookStatus {
  private String name;
  private String stage;
  private String phase;
  private String message;
  private String output;
  private java.time.OffsetDateTime startTime;
  private String duration;

  public String getName() {
    return name;
  }

  public HookStatus name(String name) {
    this.name = name;
    return this;
  }

  public String getStage() {
    return stage;
  }

  public HookStatus stage(String stage) {
    this.stage = stage;
    return this;
  }

  public String getPhase() {
    return phase;
  }

  public HookStatus phase(String phase) {
    this.phase = phase;
    return this;
  }

  public String getMessage() {
    return message;
  }

  public HookStatus message(String message) {
    this.message = message;
    return this;
  }

  public String getOutput() {
    return output;
  }

  public HookStatus output(String output) {
    this.output = output;
    return this;
  }

  public java.time.OffsetDateTime getStartTime() {
    return startTime;
  }

  public HookStatus startTime(java.time.OffsetDateTime startTime) {
    this.startTime = startTime;
    return this;
  }

  public String getDuration() {
    return duration;
  }

  public HookStatus duration(String duration) {
    this.duration = duration;
    return this;
  }
}
