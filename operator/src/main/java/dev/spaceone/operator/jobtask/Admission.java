package dev.spaceone.operator.jobtask;

import dev.spaceone.operator.api.v1alpha1.JobTask;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Which tasks of a Job may start a pod, with no counter and no extra write: a task may start when fewer
 * than {@code parallelism} tasks with a lower index are unfinished. Task states only move forward, so a
 * stale cache can only over-count unfinished tasks, and at any moment the highest-indexed running task saw
 * fewer than {@code parallelism} unfinished tasks below it: so at most {@code parallelism} run, however
 * many tasks are reconciled at once.
 */
public final class Admission {
  private Admission() {
  }

  public static boolean admitted(JobTask task, Collection<JobTask> siblings, int parallelism) {
    int index = task.getSpec().getIndex();
    long unfinishedBelow = siblings.stream()
        .filter(t -> t.getSpec().getIndex() < index)
        .filter(t -> !TaskStatuses.state(t.getStatus()).isFinished())
        .count();
    return unfinishedBelow < parallelism;
  }

  /** The tasks to reconcile again when a sibling finished: the lowest-indexed ones that have not started. */
  public static List<JobTask> wakeCandidates(Collection<JobTask> siblings, int parallelism) {
    return siblings.stream()
        .filter(t -> t.getStatus() == null || t.getStatus().getAttempts() == 0)
        .filter(t -> !TaskStatuses.state(t.getStatus()).isFinished())
        .sorted(Comparator.comparingInt(t -> t.getSpec().getIndex()))
        .limit(parallelism)
        .toList();
  }
}
