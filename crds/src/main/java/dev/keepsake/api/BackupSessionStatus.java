package dev.keepsake.api;

/** Outcome and progress of one backup run. */
public class BackupSessionStatus extends SessionStatus<BackupSessionStatus> {
  private String host;
  private Long bytesProcessed;
  private Long bytesAdded;
  private String size;
  private Long filesNew;
  private Long filesChanged;
  private Long filesUnmodified;
  private RetentionResult retention;
  private RepositoryUsage repository;

  public String getHost() {
    return host;
  }

  public BackupSessionStatus host(String host) {
    this.host = host;
    return this;
  }

  public Long getBytesProcessed() {
    return bytesProcessed;
  }

  public BackupSessionStatus bytesProcessed(Long bytesProcessed) {
    this.bytesProcessed = bytesProcessed;
    return this;
  }

  public Long getBytesAdded() {
    return bytesAdded;
  }

  public BackupSessionStatus bytesAdded(Long bytesAdded) {
    this.bytesAdded = bytesAdded;
    return this;
  }

  public String getSize() {
    return size;
  }

  public BackupSessionStatus size(String size) {
    this.size = size;
    return this;
  }

  public Long getFilesNew() {
    return filesNew;
  }

  public BackupSessionStatus filesNew(Long filesNew) {
    this.filesNew = filesNew;
    return this;
  }

  public Long getFilesChanged() {
    return filesChanged;
  }

  public BackupSessionStatus filesChanged(Long filesChanged) {
    this.filesChanged = filesChanged;
    return this;
  }

  public Long getFilesUnmodified() {
    return filesUnmodified;
  }

  public BackupSessionStatus filesUnmodified(Long filesUnmodified) {
    this.filesUnmodified = filesUnmodified;
    return this;
  }

  public RetentionResult getRetention() {
    return retention;
  }

  public BackupSessionStatus retention(RetentionResult retention) {
    this.retention = retention;
    return this;
  }

  public RepositoryUsage getRepository() {
    return repository;
  }

  public BackupSessionStatus repository(RepositoryUsage repository) {
    this.repository = repository;
    return this;
  }
}
