package dev.spaceone.operator.jobtask;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Which tasks of one Job may start a pod, with no counter written anywhere: a task may start when fewer than
 * {@code parallelism} tasks with a lower index are unfinished, a task not created yet, or not yet seen
 * finished, counting as unfinished. Task states only move forward and this only learns of finished tasks from
 * their reconciles, so it can only over-count unfinished tasks: at any moment the highest-indexed running
 * task saw fewer than {@code parallelism} unfinished tasks below it, so at most {@code parallelism} run,
 * however many tasks are reconciled at once and in whatever order the Job's tasks were created.
 *
 * <p>The unfinished count below an index never decreases along the indices, so the admitted tasks are those
 * below one bound. The bound only moves up as tasks finish: a question costs O(1), and a finished task
 * O(1) amortized over the Job's life, instead of a scan of every sibling per reconcile. It lives in memory:
 * after a restart every task is reconciled, the finished ones teach it again and wake those they admit.
 */
public final class Admission {
  /**
   * How often a task waiting for admission looks again by itself. A finishing sibling's wake-up starts it at
   * once, but that wake-up is sent once, from one reconcile, and nothing else reconciles a waiting task
   * before its Job's deadline: this bounds the wait when a wake-up is lost, as Kubernetes controllers
   * resync. A recheck reads nothing but this object.
   */
  public static final Duration RECHECK = Duration.ofSeconds(10);

  private final BitSet finished = new BitSet();
  private int parallelism;
  /** The lowest index not admitted: the first one with {@code parallelism} unfinished tasks below it. */
  private int bound;
  /** Tasks below {@link #bound} not seen finished: {@code parallelism} once the bound is moved. */
  private int unfinishedBelowBound;

  public Admission(int parallelism) {
    moveBound(parallelism);
  }

  public synchronized boolean admitted(int index, int parallelism) {
    if (parallelism != this.parallelism) {
      moveBound(parallelism);
    }
    return index < bound;
  }

  /**
   * Records that the task at {@code index} finished; returns the unfinished tasks this admits, which are to be
   * woken. Each index is returned at most once, so a waiting task is woken once, by the sibling that made room.
   */
  public synchronized List<Integer> finished(int index, int parallelism) {
    int before = bound;
    if (parallelism != this.parallelism) {
      moveBound(parallelism);
    }
    if (!finished.get(index)) {
      finished.set(index);
      if (index < bound) {
        unfinishedBelowBound--;
        advance();
      }
    }
    List<Integer> admitted = new ArrayList<>();
    for (int i = finished.nextClearBit(before); i < bound; i = finished.nextClearBit(i + 1)) {
      admitted.add(i);
    }
    return admitted;
  }

  /**
   * Records that the task at {@code index} is unfinished: a task deleted and created again under its name after it
   * finished. The bound is found again (rare), so that the new task holds its slot.
   */
  public synchronized void unfinished(int index) {
    if (finished.get(index)) {
      finished.clear(index);
      moveBound(parallelism);
    }
  }

  /** A new parallelism (the Job's spec changed, which reconciles every task): the bound is found again. */
  private void moveBound(int value) {
    parallelism = value;
    bound = 0;
    unfinishedBelowBound = 0;
    advance();
  }

  private void advance() {
    while (unfinishedBelowBound < parallelism) {
      if (!finished.get(bound)) {
        unfinishedBelowBound++;
      }
      bound++;
    }
  }
}
