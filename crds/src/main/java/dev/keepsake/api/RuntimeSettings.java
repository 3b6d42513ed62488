package dev.keepsake.api;

import io.kubernetes.client.openapi.models.V1Toleration;
import java.util.List;
import java.util.Map;

/** Scheduling and resource settings for the pods of backup and restore Jobs. */
public class RuntimeSettings {
  private String serviceAccountName;
  private String priorityClassName;
  private Map<String, String> nodeSelector;
  private List<V1Toleration> tolerations;
  private ComputeResources resources;
  private PodSecurity securityContext;

  public String getServiceAccountName() {
    return serviceAccountName;
  }

  public RuntimeSettings serviceAccountName(String serviceAccountName) {
    this.serviceAccountName = serviceAccountName;
    return this;
  }

  public String getPriorityClassName() {
    return priorityClassName;
  }

  public RuntimeSettings priorityClassName(String priorityClassName) {
    this.priorityClassName = priorityClassName;
    return this;
  }

  public Map<String, String> getNodeSelector() {
    return nodeSelector;
  }

  public RuntimeSettings nodeSelector(Map<String, String> nodeSelector) {
    this.nodeSelector = nodeSelector;
    return this;
  }

  public List<V1Toleration> getTolerations() {
    return tolerations;
  }

  public RuntimeSettings tolerations(List<V1Toleration> tolerations) {
    this.tolerations = tolerations;
    return this;
  }

  public ComputeResources getResources() {
    return resources;
  }

  public RuntimeSettings resources(ComputeResources resources) {
    this.resources = resources;
    return this;
  }

  public PodSecurity getSecurityContext() {
    return securityContext;
  }

  public RuntimeSettings securityContext(PodSecurity securityContext) {
    this.securityContext = securityContext;
    return this;
  }
}
