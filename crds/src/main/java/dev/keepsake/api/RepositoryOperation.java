package dev.keepsake.api;

import java.time.OffsetDateTime;

/** The last one-off operation (check or unlock) requested on a Repository and what became of it. */
public class RepositoryOperation {
  private String id;
  private String operation;
  private String jobName;
  private SessionPhase phase;
  private String reason;
  private String message;
  private OffsetDateTime startTime;
  private OffsetDateTime completionTime;

  public String getId() {
    return id;
  }

  public RepositoryOperation id(String id) {
    this.id = id;
    return this;
  }

  public String getOperation() {
    return operation;
  }

  public RepositoryOperation operation(String operation) {
    this.operation = operation;
    return this;
  }

  public String getJobName() {
    return jobName;
  }

  public RepositoryOperation jobName(String jobName) {
    this.jobName = jobName;
    return this;
  }

  public SessionPhase getPhase() {
    return phase;
  }

  public RepositoryOperation phase(SessionPhase phase) {
    this.phase = phase;
    return this;
  }

  public String getReason() {
    return reason;
  }

  public RepositoryOperation reason(String reason) {
    this.reason = reason;
    return this;
  }

  public String getMessage() {
    return message;
  }

  public RepositoryOperation message(String message) {
    this.message = message;
    return this;
  }

  public OffsetDateTime getStartTime() {
    return startTime;
  }

  public RepositoryOperation startTime(OffsetDateTime startTime) {
    this.startTime = startTime;
    return this;
  }

  public OffsetDateTime getCompletionTime() {
    return completionTime;
  }

  public RepositoryOperation completionTime(OffsetDateTime completionTime) {
    this.completionTime = completionTime;
    return this;
  }
}
