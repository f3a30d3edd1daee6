package dev.spaceone.operator.desired;

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

  /** The planning pod of attempt {@code attempt} (from 1): {@code <job>-plan}, then {@code <job>-plan-<attempt>}. */
  public static String planningPod(String jobName, int attempt) {
    return planningPod(jobName, ONE_SECRET, attempt);
  }

  /** The source of a Job that plans with one Secret (or none): its pods are {@code <job>-plan[-<attempt>]}. */
  public static final int ONE_SECRET = -1;

  /**
   * The planning pod of Secret {@code source} (from 0, in status.planSecrets' order) of a Job that plans with
   * several, attempt {@code attempt} (from 1): {@code <job>-plan-s<source>}, then {@code <job>-plan-s<source>-<attempt>}.
   * For {@link #ONE_SECRET}: {@code <job>-plan[-<attempt>]}. The {@code s} keeps the two schemes apart.
   */
  public static String planningPod(String jobName, int source, int attempt) {
    String first = source == ONE_SECRET ? planningPod(jobName) : planningPod(jobName) + "-s" + source;
    return attempt <= 1 ? first : first + "-" + attempt;
  }

  /** The planning attempt a pod name stands for, or 0 when it is not one of the Job's planning pods. */
  public static int planningAttemptOf(String jobName, String podName) {
    return planningAttemptOf(jobName, ONE_SECRET, podName);
  }

  /** The attempt a pod name stands for among Secret {@code source}'s planning pods, or 0 when it is none of them. */
  public static int planningAttemptOf(String jobName, int source, String podName) {
    String first = planningPod(jobName, source, 1);
    if (podName.equals(first)) {
      return 1;
    }
    int attempt = attemptOf(first, podName);
    return attempt >= 2 ? attempt : 0;
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
