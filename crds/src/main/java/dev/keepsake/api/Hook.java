package dev.keepsake.api;

/** An action before or after a backup or restore, when it runs and what its failure means. */
public class Hook {
  private String name;
  private ExecHook exec;
  private HttpHook httpGet;
  private HttpHook httpPost;
  private String executionPolicy;
  private String onFailure;
  private Integer timeoutSeconds;

  public String getName() {
    return name;
  }

  public Hook name(String name) {
    this.name = name;
    return this;
  }

  public ExecHook getExec() {
    return exec;
  }

  public Hook exec(ExecHook exec) {
    this.exec = exec;
    return this;
  }

  public HttpHook getHttpGet() {
    return httpGet;
  }

  public Hook httpGet(HttpHook httpGet) {
    this.httpGet = httpGet;
    return this;
  }

  public HttpHook getHttpPost() {
    return httpPost;
  }

  public Hook httpPost(HttpHook httpPost) {
    this.httpPost = httpPost;
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
