package dev.keepsake.api;

import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1VolumeMount;
import java.util.List;

/** One container step; strings may hold ${VARIABLES}. */
public class FunctionSpec {
  private String image;
  private List<String> command;
  private List<String> args;
  private String workingDir;
  private List<V1EnvVar> env;
  private List<V1VolumeMount> volumeMounts;
  private ComputeResources resources;

  public String getImage() {
    return image;
  }

  public FunctionSpec image(String image) {
    this.image = image;
    return this;
  }

  public List<String> getCommand() {
    return command;
  }

  public FunctionSpec command(List<String> command) {
    this.command = command;
    return this;
  }

  public List<String> getArgs() {
    return args;
  }

  public FunctionSpec args(List<String> args) {
    this.args = args;
    return this;
  }

  public String getWorkingDir() {
    return workingDir;
  }

  public FunctionSpec workingDir(String workingDir) {
    this.workingDir = workingDir;
    return this;
  }

  public List<V1EnvVar> getEnv() {
    return env;
  }

  public FunctionSpec env(List<V1EnvVar> env) {
    this.env = env;
    return this;
  }

  public List<V1VolumeMount> getVolumeMounts() {
    return volumeMounts;
  }

  public FunctionSpec volumeMounts(List<V1VolumeMount> volumeMounts) {
    this.volumeMounts = volumeMounts;
    return this;
  }

  public ComputeResources getResources() {
    return resources;
  }

  public FunctionSpec resources(ComputeResources resources) {
    this.resources = resources;
    return this;
  }
}
