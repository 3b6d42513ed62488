package dev.keepsake.api;

import java.util.List;
import java.util.Map;

/**
 * A command run through the API's exec subresource in a pod of the target, or in pods chosen by
 * labels.
 */
public class ExecHook {
  private List<String> command;
  private String container;
  private Map<String, String> podSelector;
  private Boolean allPods;

  public List<String> getCommand() {
    return command;
  }

  public ExecHook command(List<String> command) {
    this.command = command;
    return this;
  }

  public String getContainer() {
    return container;
  }

  public ExecHook container(String container) {
    this.container = container;
    return this;
  }

  public Map<String, String> getPodSelector() {
    return podSelector;
  }

  public ExecHook podSelector(Map<String, String> podSelector) {
    this.podSelector = podSelector;
    return this;
  }

  public Boolean getAllPods() {
    return allPods;
  }

  public ExecHook allPods(Boolean allPods) {
    this.allPods = allPods;
    return this;
  }
}
