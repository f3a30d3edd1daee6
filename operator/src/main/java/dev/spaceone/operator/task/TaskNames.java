package dev.spaceone.operator.task;

/** Deterministic names, so that an operator restart finds what it created instead of creating it twice. */
public final class TaskNames {
  private TaskNames() {
  }

  /** The JobTask at {@code index} of a Job: {@code <job>-<index>}. */
  public static String task(String jobName, int index) {
    return jobName + "-" + index;
  }

  /** The pod of a task's attempt, counted from 1: {@code <task>-<attempt>}. */
  public static String pod(String taskName, int attempt) {
    return taskName + "-" + attempt;
  }

  /**
   * The planning pod of a Job its plugin divides: {@code <job>-plan}. No task pod has this name: task names
   * end in a number.
   */
  public static String planningPod(String jobName) {
    return jobName + "-plan";
  }

  /** The attempt a pod name stands for, or 0 when the name is not one of the task's pods. */
  public static int attemptOf(String taskName, String podName) {
    String prefix = taskName + "-";
    if (!podName.startsWith(prefix)) {
      return 0;
    }
    try {
      return Integer.parseInt(podName.substring(prefix.length()));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
