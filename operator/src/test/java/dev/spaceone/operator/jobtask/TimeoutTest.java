package dev.spaceone.operator.jobtask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spaceone.contract.ErrorCodes;
import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobState;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.operator.api.v1alpha1.TaskState;
import dev.spaceone.operator.status.Conditions;
import dev.spaceone.operator.testing.OperatorHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TimeoutTest {
  @RegisterExtension
  final OperatorHarness harness = new OperatorHarness(OperatorHarness::scripted);

  @Test
  void anAttemptLongerThanTheTaskTimeoutEndsTimeout() {
    harness.create("""
        apiVersion: spaceone.dev/v1alpha1
        kind: Job
        metadata:
          name: slow
        spec:
          taskTimeoutSeconds: 1
          plugin:
            image: collector:1
          tasks:
            - options: {runMs: 5000, created: 1}
        """);

    Job job = harness.awaitJob("slow", j -> j.getStatus() != null && j.getStatus().getStatus() != null
        && j.getStatus().getStatus().isFinished());
    JobTask task = harness.task("slow-0");
    assertEquals(TaskState.TIMEOUT, task.getStatus().getStatus());
    assertEquals(ErrorCodes.TASK_TIMEOUT, task.getStatus().getErrorCode());
    assertTrue(task.getStatus().getErrorMessage().contains("1s"), task.getStatus().getErrorMessage());
    assertEquals(0, task.getStatus().getCreatedCount());
    assertEquals(1L, harness.pod("slow-0-1").getSpec().getActiveDeadlineSeconds());
    assertEquals(JobState.FAILURE, job.getStatus().getStatus(), "a task timeout fails the task, not the Job's deadline");
    assertEquals(1, job.getStatus().getFailureTasks());
    assertTrue(harness.eventReasons("JobTask", "slow-0").contains("TimedOut"));
  }

  @Test
  void aJobLongerThanItsDeadlineEndsTimeoutAndItsPodsAreStopped() {
    harness.create("""
        apiVersion: spaceone.dev/v1alpha1
        kind: Job
        metadata:
          name: late
        spec:
          # Long enough for late-0 (100 ms) and the start of late-1 on a loaded machine; the other tasks run
          # for a minute, so only the deadline ends them.
          activeDeadlineSeconds: 10
          parallelism: 2
          plugin:
            image: collector:1
          tasks:
            - options: {runMs: 100, created: 4}
            - options: {runMs: 60000}
            - options: {runMs: 60000}
            - options: {runMs: 60000}
        """);
    harness.awaitTask("late-1", t -> t.getStatus() != null && t.getStatus().getStatus() == TaskState.IN_PROGRESS);

    Job job = harness.awaitJob("late", j -> j.getStatus() != null && j.getStatus().getStatus() == JobState.TIMEOUT);
    assertEquals(ErrorCodes.JOB_TIMEOUT, job.getStatus().getErrorCode());
    assertTrue(job.getStatus().getErrorMessage().contains("10s"), job.getStatus().getErrorMessage());
    assertEquals(4, job.getStatus().getCreatedCount(), "the task that finished in time keeps its counts");
    assertTrue(Conditions.isTrue(job.getStatus().getConditions(), Conditions.FAILED));
    assertEquals(TaskState.SUCCESS, harness.task("late-0").getStatus().getStatus());
    for (String name : new String[] {"late-1", "late-2", "late-3"}) {
      JobTask task = harness.task(name);
      assertEquals(TaskState.TIMEOUT, task.getStatus().getStatus(), name);
      assertEquals(ErrorCodes.JOB_TIMEOUT, task.getStatus().getErrorCode(), name);
    }
    // The running pods were stopped and, their finalizers released, are gone; the finished one stays.
    harness.awaitThat(() -> harness.pods("late").stream().allMatch(p -> p.getMetadata().getName().equals("late-0-1")));
    assertEquals(0, harness.kubelet.aliveNow());
    assertTrue(harness.eventReasons("Job", "late").contains("DeadlineExceeded"));
  }
}
