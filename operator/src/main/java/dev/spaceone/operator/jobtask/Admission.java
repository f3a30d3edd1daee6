package dev.spaceone.operator.jobtask;

import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.operator.api.v1alpha1.TaskState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Which tasks of a Job may start a pod, with no counter and no extra write: a task may start when fewer
 * than {@code parallelism} tasks with a lower index are unfinished, a task not created (or not cached) yet
 * counting as unfinished. Task states only move forward, so a stale cache can only over-count unfinished
 * tasks, and at any moment the highest-indexed running task saw fewer than {@code parallelism} unfinished
 * tasks below it: so at most {@code parallelism} run, however many tasks are reconciled at once and in
 * whatever order the Job's tasks were created.
 */
public final class Admission {
  /**
   * How often a task waiting for admission looks again by itself. A finishing sibling's wake-up starts it at
   * once, but that wake-up is sent once, from one reconcile, and nothing else reconciles a waiting task
   * before its Job's deadline: this bounds the wait when a wake-up is lost, as Kubernetes controllers
   * resync. A recheck only reads the caches.
   */
  public static final Duration RECHECK = Duration.ofSeconds(10);

  private Admission() {
  }

  public static boolean admitted(JobTask task, Collection<JobTask> siblings, int parallelism) {
    int index = task.getSpec().getIndex();
    long finishedBelow = siblings.stream()
        .filter(t -> t.getSpec().getIndex() < index)
        .filter(t -> TaskState.of(t.getStatus()).isFinished())
        .count();
    return index - finishedBelow < parallelism;
  }

  /**
   * The tasks to reconcile again when a sibling finished: those not started by their status that may start
   * now. One pass in index order; {@code index - finishedBelow} never decreases along it, so the first task
   * that may not start ends the search.
   */
  public static List<JobTask> wakeCandidates(Collection<JobTask> siblings, int parallelism) {
    List<JobTask> sorted = siblings.stream().sorted(Comparator.comparingInt(t -> t.getSpec().getIndex())).toList();
    List<JobTask> candidates = new ArrayList<>();
    long finishedBelow = 0;
    for (JobTask task : sorted) {
      boolean finished = TaskState.of(task.getStatus()).isFinished();
      if (!finished && (task.getStatus() == null || task.getStatus().getAttempts() == 0)) {
        if (task.getSpec().getIndex() - finishedBelow >= parallelism) {
          break;
        }
        candidates.add(task);
      }
      finishedBelow += finished ? 1 : 0;
    }
    return candidates;
  }
}
