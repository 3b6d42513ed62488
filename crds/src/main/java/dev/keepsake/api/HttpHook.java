package dev.keepsake.api;

import java.util.List;

/** An HTTP request whose answer must have one of the expected status codes. */
public class HttpHook {
  private String url;
  private List<Param> headers;
  private String body;
  private String contentType;
  private List<Integer> expectedStatus;

  public String getUrl() {
    return url;
  }

  public HttpHook url(String url) {
    this.url = url;
    return this;
  }

  public List<Param> getHeaders() {
    return headers;
  }

  public HttpHook headers(List<Param> headers) {
    this.headers = headers;
    return this;
  }

  public String getBody() {
    return body;
  }

  public HttpHook body(String body) {
    this.body = body;
    return this;
  }

  public String getContentType() {
    return contentType;
  }

  public HttpHook contentType(String contentType) {
    this.contentType = contentType;
    return this;
  }

  public List<Integer> getExpectedStatus() {
    return expectedStatus;
  }

  public HttpHook expectedStatus(List<Integer> expectedStatus) {
    this.expectedStatus = expectedStatus;
    return this;
  }
}
