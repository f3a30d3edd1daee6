package dev.spaceone.operator.jobtask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AdmissionTest {
  @Test
  void theFirstParallelismTasksMayStart() {
    Admission admission = new Admission(3);
    for (int i = 0; i < 10; i++) {
      assertEquals(i < 3, admission.admitted(i, 3), "task " + i);
    }
  }

  @Test
  void aTaskNotSeenFinishedHoldsItsSlot() {
    // Tasks are created and finish concurrently: task 4 can finish before tasks 1 and 2 are even created.
    Admission admission = new Admission(3);
    assertEquals(List.of(3), admission.finished(0, 3), "task 0 ended: task 3 may start");
    assertEquals(List.of(), admission.finished(4, 3), "task 4 is above the bound: it frees no slot below it");
    assertTrue(admission.admitted(3, 3), "unfinished below 3: tasks 1 and 2");
    assertFalse(admission.admitted(5, 3), "unfinished below 5: tasks 1, 2 and 3");
  }

  @Test
  void finishedTasksBelowFreeTheirSlotsAndWakeEachWaitingTaskOnce() {
    Admission admission = new Admission(3);
    assertEquals(List.of(3), admission.finished(0, 3));
    assertEquals(List.of(), admission.finished(0, 3), "a second reconcile of a finished task wakes no one again");
    // Task 4 finished before its turn: when task 1 ends, tasks 5 (its slot) is next, and 4 needs no wake-up.
    admission.finished(4, 3);
    assertEquals(List.of(5), admission.finished(1, 3));
    assertTrue(admission.admitted(5, 3));
    assertFalse(admission.admitted(6, 3));
  }

  @Test
  void parallelismOneRunsTasksInOrder() {
    Admission admission = new Admission(1);
    assertTrue(admission.admitted(0, 1));
    assertFalse(admission.admitted(1, 1));
    assertEquals(List.of(1), admission.finished(0, 1));
    assertTrue(admission.admitted(1, 1));
    assertFalse(admission.admitted(2, 1));
  }

  @Test
  void aNewParallelismMovesTheBound() {
    Admission admission = new Admission(2);
    admission.finished(0, 2);
    assertFalse(admission.admitted(3, 2));
    assertTrue(admission.admitted(4, 4), "unfinished below 4: tasks 1, 2 and 3");
    assertFalse(admission.admitted(3, 1), "a lower parallelism admits fewer");
    assertEquals(List.of(2), admission.finished(1, 1));
  }

  @Test
  void aTaskCreatedAgainAfterItFinishedHoldsItsSlotAgain() {
    Admission admission = new Admission(2);
    assertEquals(List.of(2), admission.finished(0, 2));
    assertTrue(admission.admitted(2, 2));
    admission.unfinished(0);
    assertFalse(admission.admitted(2, 2), "unfinished below 2: tasks 0 and 1 again");
    assertEquals(List.of(2), admission.finished(0, 2), "its end admits task 2 again");
  }

  /** Random finish orders: the admitted set is always what a scan of every task would admit. */
  @Test
  void agreesWithAScanOfEveryTask() {
    Random random = new Random(7);
    for (int round = 0; round < 200; round++) {
      int parallelism = 1 + random.nextInt(5);
      int tasks = 20;
      Admission admission = new Admission(parallelism);
      BitSet finished = new BitSet();
      BitSet woken = new BitSet();
      for (int step = 0; step < 30; step++) {
        int index = random.nextInt(tasks);
        List<Integer> wake = admission.finished(index, parallelism);
        finished.set(index);
        for (int i : wake) {
          assertFalse(woken.get(i), "round " + round + ": task " + i + " woken twice");
          assertFalse(finished.get(i), "round " + round + ": finished task " + i + " woken");
          woken.set(i);
        }
        List<Integer> admitted = new ArrayList<>();
        List<Integer> scanned = new ArrayList<>();
        for (int i = 0; i < tasks + parallelism; i++) {
          if (admission.admitted(i, parallelism)) {
            admitted.add(i);
          }
          if (i - finished.get(0, i).cardinality() < parallelism) {
            scanned.add(i);
          }
        }
        assertEquals(scanned, admitted, "round " + round + " step " + step);
        long admittedUnfinished = admitted.stream().filter(i -> !finished.get(i)).count();
        assertTrue(admittedUnfinished <= parallelism, "round " + round + ": " + admittedUnfinished);
      }
    }
  }
}
