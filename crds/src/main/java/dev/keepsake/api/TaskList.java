package dev.keepsake.api;

/** A list of {@link Task} objects. */
public class TaskList extends ResourceList<Task> {
  public TaskList() {
    super("TaskList");
  }
}
