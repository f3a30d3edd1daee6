package dev.spaceone.operator.jobtask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.operator.api.v1alpha1.JobTaskSpec;
import dev.spaceone.operator.api.v1alpha1.JobTaskStatus;
import dev.spaceone.operator.api.v1alpha1.TaskState;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AdmissionTest {
  private static JobTask task(int index, TaskState state, int attempts) {
    JobTask task = new JobTask();
    task.getMetadata().setName("j-" + index);
    JobTaskSpec spec = new JobTaskSpec();
    spec.setJobName("j");
    spec.setIndex(index);
    task.setSpec(spec);
    if (state != null) {
      JobTaskStatus status = new JobTaskStatus();
      status.setStatus(state);
      status.setAttempts(attempts);
      task.setStatus(status);
    }
    return task;
  }

  private static List<JobTask> pending(int count) {
    List<JobTask> tasks = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      tasks.add(task(i, null, 0));
    }
    return tasks;
  }

  @Test
  void theFirstParallelismTasksMayStart() {
    List<JobTask> tasks = pending(10);
    for (int i = 0; i < 10; i++) {
      assertEquals(i < 3, Admission.admitted(tasks.get(i), tasks, 3), "task " + i);
    }
  }

  @Test
  void aTaskNotCreatedYetHoldsItsSlot() {
    // Tasks are created concurrently, so task 4 can be cached before tasks 1 and 2.
    List<JobTask> tasks = new ArrayList<>(pending(5));
    tasks.set(0, task(0, TaskState.SUCCESS, 1));
    tasks.remove(2);
    tasks.remove(1);
    assertTrue(Admission.admitted(tasks.get(1), tasks, 3), "task 3: tasks 1 and 2 missing, 2 below unfinished");
    assertFalse(Admission.admitted(tasks.get(2), tasks, 3), "task 4: tasks 1, 2 and 3 unfinished or missing");
  }

  @Test
  void finishedTasksBelowFreeTheirSlots() {
    List<JobTask> tasks = new ArrayList<>(pending(6));
    tasks.set(0, task(0, TaskState.SUCCESS, 1));
    tasks.set(1, task(1, TaskState.FAILURE, 1));
    tasks.set(2, task(2, TaskState.IN_PROGRESS, 1));
    // Unfinished below 4: tasks 2 and 3.
    assertTrue(Admission.admitted(tasks.get(4), tasks, 3));
    assertFalse(Admission.admitted(tasks.get(5), tasks, 3));
    tasks.set(3, task(3, TaskState.CANCELED, 0));
    assertTrue(Admission.admitted(tasks.get(5), tasks, 3));
  }

  @Test
  void parallelismOneRunsTasksInOrder() {
    List<JobTask> tasks = pending(3);
    assertTrue(Admission.admitted(tasks.get(0), tasks, 1));
    assertFalse(Admission.admitted(tasks.get(1), tasks, 1));
    assertFalse(Admission.admitted(tasks.get(2), tasks, 1));
  }

  @Test
  void neverMoreThanParallelismAdmittedAndUnfinished() {
    Random random = new Random(7);
    for (int round = 0; round < 200; round++) {
      int parallelism = 1 + random.nextInt(5);
      List<JobTask> tasks = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        int roll = random.nextInt(3);
        tasks.add(task(i, roll == 0 ? TaskState.SUCCESS : roll == 1 ? TaskState.IN_PROGRESS : null, roll == 2 ? 0 : 1));
      }
      long admittedUnfinished = tasks.stream()
          .filter(t -> !TaskState.of(t.getStatus()).isFinished())
          .filter(t -> Admission.admitted(t, tasks, parallelism)).count();
      assertTrue(admittedUnfinished <= parallelism, "round " + round + ": " + admittedUnfinished);
    }
  }

  @Test
  void wakeCandidatesAreTheUnstartedTasksThatMayStartNow() {
    List<JobTask> tasks = new ArrayList<>(pending(8));
    tasks.set(0, task(0, TaskState.SUCCESS, 1));
    tasks.set(1, task(1, TaskState.IN_PROGRESS, 1));
    tasks.set(3, task(3, TaskState.IN_PROGRESS, 2));
    List<String> names = Admission.wakeCandidates(tasks, 3).stream().map(t -> t.getMetadata().getName()).toList();
    // Unfinished below task 4: tasks 1, 2 and 3, so it may not start, nor may any above it.
    assertEquals(List.of("j-2"), names);
    tasks.set(1, task(1, TaskState.SUCCESS, 1));
    names = Admission.wakeCandidates(tasks, 3).stream().map(t -> t.getMetadata().getName()).toList();
    assertEquals(List.of("j-2", "j-4"), names);
    // Every woken task is admitted.
    Admission.wakeCandidates(tasks, 3).forEach(t -> assertTrue(Admission.admitted(t, tasks, 3)));
    assertEquals(List.of(), Admission.wakeCandidates(List.of(task(0, TaskState.SUCCESS, 1)), 3));
  }
}
