package dev.keepsake.api;

import io.kubernetes.client.openapi.models.V1HostPathVolumeSource;
import io.kubernetes.client.openapi.models.V1NFSVolumeSource;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaimVolumeSource;

/** A repository on a volume mounted into the backup and restore pods. */
public class LocalBackend {
  private String mountPath;
  private String subPath;
  private V1PersistentVolumeClaimVolumeSource persistentVolumeClaim;
  private V1HostPathVolumeSource hostPath;
  private V1NFSVolumeSource nfs;

  public String getMountPath() {
    return mountPath;
  }

  public LocalBackend mountPath(String mountPath) {
    this.mountPath = mountPath;
    return this;
  }

  public String getSubPath() {
    return subPath;
  }

  public LocalBackend subPath(String subPath) {
    this.subPath = subPath;
    return this;
  }

  public V1PersistentVolumeClaimVolumeSource getPersistentVolumeClaim() {
    return persistentVolumeClaim;
  }

  public LocalBackend persistentVolumeClaim(
      V1PersistentVolumeClaimVolumeSource persistentVolumeClaim) {
    this.persistentVolumeClaim = persistentVolumeClaim;
    return this;
  }

  public V1HostPathVolumeSource getHostPath() {
    return hostPath;
  }

  public LocalBackend hostPath(V1HostPathVolumeSource hostPath) {
    this.hostPath = hostPath;
    return this;
  }

  public V1NFSVolumeSource getNfs() {
    return nfs;
  }

  public LocalBackend nfs(V1NFSVolumeSource nfs) {
    this.nfs = nfs;
    return this;
  }
}
