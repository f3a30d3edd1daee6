package dev.spaceone.operator.jobtask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobState;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.operator.api.v1alpha1.TaskState;
import dev.spaceone.operator.testing.OperatorHarness;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A task waiting for a parallelism slot is started by a finishing sibling's wake-up; when that wake-up is
 * lost, it must still start by itself (seen once in ~9 e2e runs: the third task of a Job with parallelism 2
 * stayed without a pod, since nothing but the Job's deadline, an hour later, reconciled it again).
 */
class LostWakeupTest {
  @RegisterExtension
  final OperatorHarness harness = new OperatorHarness(OperatorHarness::scripted);

  @Test
  void aWaitingTaskStartsWithinTheRecheckIntervalWhenEveryWakeUpIsLost() {
    // Every wake-up is dropped from now on: only the waiting task's own recheck can start it.
    harness.operator().jobTaskReconciler().wakeups().stop();
    harness.create("""
        apiVersion: spaceone.dev/v1alpha1
        kind: Job
        metadata:
          name: lost
        spec:
          parallelism: 1
          activeDeadlineSeconds: 3600
          plugin:
            image: collector:1
          tasks:
            - options: {runMs: 300, created: 1}
            - options: {runMs: 100, created: 2}
        """);

    JobTask first = harness.awaitTask("lost-0", t -> t.getStatus() != null && t.getStatus().getStatus() == TaskState.SUCCESS);
    Job job = harness.awaitJob("lost", j -> j.getStatus() != null && j.getStatus().getStatus() == JobState.SUCCESS,
        Admission.RECHECK.multipliedBy(2).plus(OperatorHarness.TIMEOUT));
    assertEquals(3, job.getStatus().getCreatedCount());
    assertEquals(1, harness.kubelet.maxRunning("lost"), "parallelism 1 held");
    JobTask second = harness.task("lost-1");
    Duration waited = Duration.between(Instant.parse(first.getStatus().getFinishedAt()),
        Instant.parse(second.getStatus().getStartedAt()));
    assertTrue(waited.compareTo(Admission.RECHECK.plusSeconds(5)) < 0, "started " + waited + " after its slot opened");
  }
}
