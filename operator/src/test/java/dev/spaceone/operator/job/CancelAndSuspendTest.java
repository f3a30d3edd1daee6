package dev.spaceone.operator.job;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spaceone.contract.ErrorCodes;
import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobState;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.operator.api.v1alpha1.TaskState;
import dev.spaceone.operator.status.Conditions;
import dev.spaceone.operator.testing.OperatorHarness;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CancelAndSuspendTest {
  @RegisterExtension
  final OperatorHarness harness = new OperatorHarness(OperatorHarness::scripted);

  private static boolean is(JobTask task, TaskState state) {
    return task.getStatus() != null && task.getStatus().getStatus() == state;
  }

  @Test
  void cancelStopsRunningPodsCancelsUnfinishedTasksAndKeepsCollectedCounts() {
    harness.create("""
        apiVersion: spaceone.dev/v1alpha1
        kind: Job
        metadata:
          name: cancel-me
        spec:
          parallelism: 2
          plugin:
            image: collector:1
          tasks:
            - options: {runMs: 100, created: 5, updated: 1}
            - options: {runMs: 100, created: 7}
            - options: {runMs: 60000}
            - options: {runMs: 60000}
            - options: {runMs: 60000}
        """);
    harness.awaitTask("cancel-me-2", t -> is(t, TaskState.IN_PROGRESS));
    harness.awaitTask("cancel-me-3", t -> is(t, TaskState.IN_PROGRESS));
    assertTrue(is(harness.task("cancel-me-0"), TaskState.SUCCESS));
    assertTrue(is(harness.task("cancel-me-1"), TaskState.SUCCESS));
    assertNull(harness.pod("cancel-me-4-1"), "parallelism 2 holds the fifth task back");

    harness.patchJob("cancel-me", "{\"spec\":{\"cancel\":true}}");

    Job job = harness.awaitJob("cancel-me", j -> j.getStatus() != null && j.getStatus().getStatus() == JobState.CANCELED);
    assertEquals(12, job.getStatus().getCreatedCount(), "counts already collected are kept");
    assertEquals(1, job.getStatus().getUpdatedCount());
    assertEquals(2, job.getStatus().getSuccessTasks());
    assertEquals(3, job.getStatus().getCanceledTasks());
    assertEquals(0, job.getStatus().getRunningTasks());
    assertTrue(Conditions.isTrue(job.getStatus().getConditions(), Conditions.FAILED));
    assertEquals(5, harness.task("cancel-me-0").getStatus().getCreatedCount());
    assertEquals(TaskState.SUCCESS, harness.task("cancel-me-0").getStatus().getStatus());
    for (String name : new String[] {"cancel-me-2", "cancel-me-3", "cancel-me-4"}) {
      JobTask task = harness.task(name);
      assertEquals(TaskState.CANCELED, task.getStatus().getStatus(), name);
      assertEquals(ErrorCodes.COLLECT_CANCELED, task.getStatus().getErrorCode(), name);
      assertTrue(task.getStatus().getErrors().stream()
          .anyMatch(e -> ErrorCodes.COLLECT_CANCELED.equals(e.getErrorCode())), name);
    }
    harness.awaitThat(() -> harness.pod("cancel-me-2-1") == null && harness.pod("cancel-me-3-1") == null);
    assertNull(harness.pod("cancel-me-4-1"), "no new pod after cancel");
    assertEquals(0, harness.kubelet.aliveNow());
    assertTrue(harness.eventReasons("Job", "cancel-me").contains("Canceled"));
  }

  @Test
  void aSuspendedJobStartsNoPodUntilResumed() {
    harness.create("""
        apiVersion: spaceone.dev/v1alpha1
        kind: Job
        metadata:
          name: paused
        spec:
          suspend: true
          plugin:
            image: collector:1
          tasks:
            - options: {runMs: 50, created: 2}
            - options: {runMs: 50, created: 3}
        """);
    Job suspended = harness.awaitJob("paused", j -> j.getStatus() != null
        && Conditions.isTrue(j.getStatus().getConditions(), Conditions.SUSPENDED));
    assertEquals(JobState.CREATED, suspended.getStatus().getStatus());
    assertEquals(2, harness.tasks("paused").size(), "tasks are created, their pods are not");
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(50))
        .until(() -> harness.pods("paused").isEmpty());
    assertTrue(harness.eventReasons("Job", "paused").contains("Suspended"));

    harness.patchJob("paused", "{\"spec\":{\"suspend\":false}}");

    Job job = harness.awaitJob("paused", j -> j.getStatus() != null && j.getStatus().getStatus() == JobState.SUCCESS);
    assertEquals(5, job.getStatus().getCreatedCount());
    assertTrue(job.getStatus().getConditions().stream()
        .anyMatch(c -> c.getType().equals(Conditions.SUSPENDED) && c.getStatus().equals("False")));
    assertTrue(harness.eventReasons("Job", "paused").contains("Resumed"));
  }
}
