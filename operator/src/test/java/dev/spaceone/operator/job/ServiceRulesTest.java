package dev.spaceone.operator.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spaceone.contract.ErrorCodes;
import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobState;
import dev.spaceone.operator.api.v1alpha1.TaskState;
import dev.spaceone.operator.testing.OperatorHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** SpaceONE's per-service rules: cost-analysis names a failed Job ERROR_JOB_TASK; power-scheduler sums counts. */
class ServiceRulesTest {
  @RegisterExtension
  final OperatorHarness harness = new OperatorHarness(OperatorHarness::scripted);

  private Job awaitFinished(String name) {
    return harness.awaitJob(name, j -> j.getStatus() != null && j.getStatus().getStatus() != null
        && j.getStatus().getStatus().isFinished());
  }

  @Test
  void costAnalysisJobWithAFailedTaskIsErrorJobTask() {
    harness.create("""
        apiVersion: spaceone.dev/v1alpha1
        kind: Job
        metadata:
          name: cost
        spec:
          service: cost-analysis
          dataSourceId: ds-1
          plugin:
            image: cost-plugin:1
          tasks:
            - serviceAccountId: sa-ok
              changed:
                start: 2024-01
                end: 2024-02
              options: {created: 10}
            - serviceAccountId: sa-bad
              options: {exit: 1, result: "billing API unavailable"}
        """);

    Job job = awaitFinished("cost");
    assertEquals(JobState.FAILURE, job.getStatus().getStatus());
    assertEquals(ErrorCodes.JOB_TASK, job.getStatus().getErrorCode());
    assertTrue(job.getStatus().getErrorMessage().contains("billing API unavailable"), job.getStatus().getErrorMessage());
    assertEquals(10, job.getStatus().getCreatedCount());
    assertEquals(1, job.getStatus().getSyncedAccounts().size());
    assertEquals("sa-ok", job.getStatus().getSyncedAccounts().get(0).getAccountId());
    assertEquals("2024-01", job.getStatus().getChanged().get(0).getStart());
    assertEquals(TaskState.FAILURE, harness.task("cost-1").getStatus().getStatus());
    assertEquals(ErrorCodes.COLLECTOR_PLUGIN, harness.task("cost-1").getStatus().getErrorCode());
  }

  @Test
  void costAnalysisJobWhoseTasksSucceedHasNoErrorCode() {
    harness.create("""
        apiVersion: spaceone.dev/v1alpha1
        kind: Job
        metadata:
          name: cost-ok
        spec:
          service: cost-analysis
          dataSourceId: ds-1
          plugin:
            image: cost-plugin:1
          tasks:
            - options: {created: 1}
        """);
    Job job = awaitFinished("cost-ok");
    assertEquals(JobState.SUCCESS, job.getStatus().getStatus());
    assertNull(job.getStatus().getErrorCode());
  }

  @Test
  void powerSchedulerSumsSuccessFailureAndTotalCounts() {
    harness.create("""
        apiVersion: spaceone.dev/v1alpha1
        kind: Job
        metadata:
          name: power
        spec:
          service: power-scheduler
          plugin:
            image: power-plugin:1
          tasks:
            - options: {success: 5, total: 5}
            - options: {success: 7, total: 8, failure: 1}
            - options: {success: 3, total: 3}
        """);

    Job job = awaitFinished("power");
    assertEquals(JobState.FAILURE, job.getStatus().getStatus(), "a task with failure_count > 0 fails");
    assertEquals(15, job.getStatus().getSuccessCount());
    assertEquals(1, job.getStatus().getFailureCount());
    assertEquals(16, job.getStatus().getTotalCount());
    assertEquals(2, job.getStatus().getSuccessTasks());
    assertEquals(1, job.getStatus().getFailureTasks());
    assertEquals(7, harness.task("power-1").getStatus().getSuccessCount());
    assertEquals(8, harness.task("power-1").getStatus().getTotalCount());
    assertEquals(ErrorCodes.COLLECT_FAILURE, harness.task("power-1").getStatus().getErrorCode());
  }
}
