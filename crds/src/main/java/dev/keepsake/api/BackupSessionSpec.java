package dev.keepsake.api;

/** Which configuration a backup session runs, and why it was made. */
public class BackupSessionSpec {
  private Invoker invoker;
  private String trigger;

  public Invoker getInvoker() {
    return invoker;
  }

  public BackupSessionSpec invoker(Invoker invoker) {
    this.invoker = invoker;
    return this;
  }

  public String getTrigger() {
    return trigger;
  }

  public BackupSessionSpec trigger(String trigger) {
    this.trigger = trigger;
    return this;
  }
}
