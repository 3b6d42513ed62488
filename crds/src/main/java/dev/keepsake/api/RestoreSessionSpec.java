package dev.keepsake.api;

/** Which snapshot to restore, from where, into what. */
public class RestoreSessionSpec {
  private NamespacedRef repository;
  private String snapshot;
  private SnapshotSource source;
  private RestoreTarget target;
  private TaskRef task;
  private RestoreHooks hooks;
  private RuntimeSettings runtimeSettings;
  private String timeout;

  public NamespacedRef getRepository() {
    return repository;
  }

  public RestoreSessionSpec repository(NamespacedRef repository) {
    this.repository = repository;
    return this;
  }

  public String getSnapshot() {
    return snapshot;
  }

  public RestoreSessionSpec snapshot(String snapshot) {
    this.snapshot = snapshot;
    return this;
  }

  public SnapshotSource getSource() {
    return source;
  }

  public RestoreSessionSpec source(SnapshotSource source) {
    this.source = source;
    return this;
  }

  public RestoreTarget getTarget() {
    return target;
  }

  public RestoreSessionSpec target(RestoreTarget target) {
    this.target = target;
    return this;
  }

  public TaskRef getTask() {
    return task;
  }

  public RestoreSessionSpec task(TaskRef task) {
    this.task = task;
    return this;
  }

  public RestoreHooks getHooks() {
    return hooks;
  }

  public RestoreSessionSpec hooks(RestoreHooks hooks) {
    this.hooks = hooks;
    return this;
  }

  public RuntimeSettings getRuntimeSettings() {
    return runtimeSettings;
  }

  public RestoreSessionSpec runtimeSettings(RuntimeSettings runtimeSettings) {
    this.runtimeSettings = runtimeSettings;
    return this;
  }

  public String getTimeout() {
    return timeout;
  }

  public RestoreSessionSpec timeout(String timeout) {
    this.timeout = timeout;
    return this;
  }
}
