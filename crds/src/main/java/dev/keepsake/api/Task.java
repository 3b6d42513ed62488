package dev.keepsake.api;

/** An ordered list of Function steps that makes one backup or restore Job. */
public class Task extends Resource<TaskSpec, ObservedStatus, Task> {
  public static final String KIND = "Task";
  public static final String PLURAL = "tasks";

  public Task() {
    super(KIND);
  }
}
