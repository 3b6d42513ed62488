package dev.keepsake.api;

/** An action before or after a backup or restore, and what its failure means. */
public class Hook {
  private ExecHook exec;
  private HttpGetHook httpGet;
  private String executionPolicy;
  private String onFailure;
  private Integer timeoutSeconds;

  public ExecHook getExec() {
    return exec;
  }

  public Hook exec(ExecHook exec) {
    this.exec = exec;
    return this;
  }

  public HttpGetHook getHttpGet() {
    return httpGet;
  }

  public Hook httpGet(HttpGetHook httpGet) {
    this.httpGet = httpGet;
    return this;
  }

  public String getExecutionPolicy() {
    return executionPolicy;
  }

  public Hook executionPolicy(String executionPolicy) {
    this.executionPolicy = executionPolicy;
    return this;
  }

  public String getOnFailure() {
    return onFailure;
  }

  public Hook onFailure(String onFailure) {
    this.onFailure = onFailure;
    return this;
  }

  public Integer getTimeoutSeconds() {
    return timeoutSeconds;
  }

  public Hook timeoutSeconds(Integer timeoutSeconds) {
    this.timeoutSeconds = timeoutSeconds;
    return this;
  }
}
