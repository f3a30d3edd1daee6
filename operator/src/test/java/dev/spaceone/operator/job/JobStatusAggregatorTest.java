package dev.spaceone.operator.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spaceone.contract.ErrorCodes;
import dev.spaceone.operator.api.v1alpha1.Changed;
import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobState;
import dev.spaceone.operator.api.v1alpha1.JobStatus;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.operator.api.v1alpha1.JobTaskSpec;
import dev.spaceone.operator.api.v1alpha1.JobTaskStatus;
import dev.spaceone.operator.api.v1alpha1.TaskState;
import dev.spaceone.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobStatusAggregatorTest {
  private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
  private static final Instant T1 = Instant.parse("2025-03-01T10:05:00Z");

  private static Job job(String service, String extraSpec) {
    return Serialization.unmarshal("""
        apiVersion: spaceone.dev/v1alpha1
        kind: Job
        metadata:
          name: j
          namespace: ns
          generation: 1
        spec:
          service: %s
          dataSourceId: ds-1
          plugin:
            image: collector:1
          tasks:
            - {}
        %s
        """.formatted(service, extraSpec.indent(2)), Job.class);
  }

  private static final List<JobTask> NONE = List.of();

  private static JobTask task(int index, TaskState state, long created, long failures, String errorCode) {
    JobTask task = new JobTask();
    task.getMetadata().setName("j-" + index);
    JobTaskSpec spec = new JobTaskSpec();
    spec.setJobName("j");
    spec.setIndex(index);
    spec.setServiceAccountId("sa-" + index);
    task.setSpec(spec);
    if (state != null) {
      JobTaskStatus status = new JobTaskStatus();
      status.setStatus(state);
      status.setCreatedCount(created);
      status.setUpdatedCount(created * 10);
      status.setFailureCount(failures);
      status.setErrorCode(errorCode);
      status.setErrorMessage(errorCode == null ? null : "because " + index);
      task.setStatus(status);
    }
    return task;
  }

  private static JobStatus aggregate(Job job, List<JobTask> tasks, int total, Instant now) {
    return JobStatusAggregator.aggregate(job, tasks, total, now);
  }

  @Test
  void inventoryWhereEveryTaskSucceededIsSuccess() {
    Job job = job("inventory", "");
    JobStatus status = aggregate(job, List.of(task(0, TaskState.SUCCESS, 1, 0, null),
        task(1, TaskState.SUCCESS, 2, 0, null), task(2, TaskState.SUCCESS, 3, 0, null)), 3, T0);
    assertEquals(JobState.SUCCESS, status.getStatus());
    assertEquals(3, status.getTotalTasks());
    assertEquals(3, status.getSuccessTasks());
    assertEquals(0, status.getRemainedTasks());
    assertEquals("3/3", status.getProgress());
    assertEquals(6, status.getCreatedCount());
    assertEquals(60, status.getUpdatedCount());
    assertNull(status.getErrorCode());
    assertTrue(Conditions.isTrue(status.getConditions(), Conditions.COMPLETE));
    assertFalse(Conditions.isTrue(status.getConditions(), Conditions.FAILED));
    assertEquals(T0.toString(), status.getFinishedAt().replace(".000", ""));
    assertNull(status.getSyncedAccounts(), "synced accounts are cost-analysis only");
  }

  @Test
  void inventoryWithAnyFailedTaskIsFailureKeepingAllCounts() {
    Job job = job("inventory", "");
    JobStatus status = aggregate(job, List.of(task(0, TaskState.SUCCESS, 1, 0, null),
        task(1, TaskState.FAILURE, 2, 5, "ERROR_AUTH")), 2, T0);
    assertEquals(JobState.FAILURE, status.getStatus());
    assertEquals(1, status.getFailureTasks());
    assertEquals(3, status.getCreatedCount());
    assertEquals(5, status.getFailureCount());
    assertNull(status.getErrorCode(), "inventory names no Job error code");
    assertTrue(status.getErrorMessage().contains("j-1: ERROR_AUTH because 1"), status.getErrorMessage());
    assertTrue(Conditions.isTrue(status.getConditions(), Conditions.FAILED));
    assertFalse(Conditions.isTrue(status.getConditions(), Conditions.COMPLETE));
  }

  @Test
  void zeroTasksIsSuccess() {
    JobStatus status = aggregate(job("inventory", ""), NONE, 0, T0);
    assertEquals(JobState.SUCCESS, status.getStatus());
    assertEquals("0/0", status.getProgress());
    assertTrue(Conditions.isTrue(status.getConditions(), Conditions.COMPLETE));
  }

  @Test
  void costAnalysisWithAFailedTaskIsErrorJobTask() {
    Job job = job("cost-analysis", "");
    JobStatus status = aggregate(job, List.of(task(0, TaskState.SUCCESS, 1, 0, null),
        task(1, TaskState.FAILURE, 0, 0, ErrorCodes.COLLECTOR_PLUGIN)), 2, T0);
    assertEquals(JobState.FAILURE, status.getStatus());
    assertEquals(ErrorCodes.JOB_TASK, status.getErrorCode());
    assertEquals(List.of("sa-0"), status.getSyncedAccounts().stream().map(a -> a.getAccountId()).toList());
  }

  @Test
  void costAnalysisListsTheChangedRangesOfFinishedTasks() {
    Job job = job("cost-analysis", "");
    JobTask a = task(0, TaskState.SUCCESS, 1, 0, null);
    Changed changed = new Changed();
    changed.setStart("2024-01");
    changed.setEnd("2024-03");
    a.getSpec().setChanged(changed);
    JobStatus status = aggregate(job, List.of(a), 1, T0);
    assertEquals(JobState.SUCCESS, status.getStatus());
    assertEquals(1, status.getChanged().size());
    assertEquals("2024-01", status.getChanged().get(0).getStart());
  }

  @Test
  void unfinishedTasksKeepTheJobInProgressOrCreated() {
    Job job = job("inventory", "");
    JobStatus created = aggregate(job, List.of(task(0, null, 0, 0, null), task(1, null, 0, 0, null)), 2, T0);
    assertEquals(JobState.CREATED, created.getStatus());
    assertNull(created.getStartedAt());
    assertNull(created.getFinishedAt());

    JobStatus running = aggregate(job, List.of(task(0, TaskState.IN_PROGRESS, 0, 0, null),
        task(1, TaskState.SUCCESS, 4, 0, null)), 2, T0);
    assertEquals(JobState.IN_PROGRESS, running.getStatus());
    assertEquals(1, running.getRunningTasks());
    assertEquals(1, running.getRemainedTasks());
    assertEquals("1/2", running.getProgress());
    assertEquals(4, running.getCreatedCount(), "counts of finished tasks show while others run");
    assertNotNull(running.getStartedAt());
    assertNull(running.getFinishedAt());

    JobStatus notAllCreated = aggregate(job, List.of(task(0, TaskState.SUCCESS, 1, 0, null)), 3, T0);
    assertEquals(JobState.IN_PROGRESS, notAllCreated.getStatus(), "tasks not created yet are unfinished");
    assertEquals(3, notAllCreated.getTotalTasks());
  }

  @Test
  void canceledJobKeepsTheCountsCollected() {
    Job job = job("inventory", "cancel: true");
    JobStatus status = aggregate(job, List.of(task(0, TaskState.SUCCESS, 7, 0, null),
        task(1, TaskState.CANCELED, 0, 0, ErrorCodes.COLLECT_CANCELED)), 2, T0);
    assertEquals(JobState.CANCELED, status.getStatus());
    assertEquals(1, status.getCanceledTasks());
    assertEquals(1, status.getSuccessTasks());
    assertEquals(7, status.getCreatedCount());
    Condition failed = condition(status, Conditions.FAILED);
    assertEquals("True", failed.getStatus());
    assertEquals("Canceled", failed.getReason());
  }

  @Test
  void tasksStoppedByTheJobDeadlineMakeTheJobTimeout() {
    Job job = job("inventory", "activeDeadlineSeconds: 2");
    JobStatus status = aggregate(job, List.of(task(0, TaskState.SUCCESS, 1, 0, null),
        task(1, TaskState.TIMEOUT, 0, 0, ErrorCodes.JOB_TIMEOUT)), 2, T0);
    assertEquals(JobState.TIMEOUT, status.getStatus());
    assertEquals(ErrorCodes.JOB_TIMEOUT, status.getErrorCode());
    assertTrue(status.getErrorMessage().contains("2s"), status.getErrorMessage());
    assertEquals("DeadlineExceeded", condition(status, Conditions.FAILED).getReason());
  }

  @Test
  void aTaskTimeoutIsATaskFailureNotAJobTimeout() {
    JobStatus status = aggregate(job("inventory", ""), List.of(task(0, TaskState.TIMEOUT, 0, 0,
        ErrorCodes.TASK_TIMEOUT)), 1, T0);
    assertEquals(JobState.FAILURE, status.getStatus());
    assertEquals(1, status.getFailureTasks());
  }

  @Test
  void suspendedConditionFollowsTheSpecUntilTheJobEnds() {
    Job job = job("inventory", "suspend: true");
    JobStatus suspended = aggregate(job, List.of(task(0, null, 0, 0, null)), 1, T0);
    assertTrue(Conditions.isTrue(suspended.getConditions(), Conditions.SUSPENDED));
    assertEquals("JobSuspended", condition(suspended, Conditions.SUSPENDED).getReason());

    job.setStatus(suspended);
    job.getSpec().setSuspend(false);
    JobStatus resumed = aggregate(job, List.of(task(0, null, 0, 0, null)), 1, T1);
    assertEquals("False", condition(resumed, Conditions.SUSPENDED).getStatus());
    assertEquals("2025-03-01T10:05:00Z", condition(resumed, Conditions.SUSPENDED).getLastTransitionTime());
  }

  @Test
  void recomputingAnUnchangedStatusKeepsLastTransitionTimeAndTimestamps() {
    Job job = job("inventory", "");
    List<JobTask> tasks = List.of(task(0, TaskState.SUCCESS, 1, 0, null), task(1, TaskState.FAILURE, 0, 1, "E"));
    JobStatus first = aggregate(job, tasks, 2, T0);
    job.setStatus(first);
    JobStatus again = aggregate(job, tasks, 2, T1);
    assertEquals(Serialization.asJson(first), Serialization.asJson(again), "nothing moves when nothing changed");
    assertEquals("2025-03-01T10:00:00Z", condition(again, Conditions.FAILED).getLastTransitionTime());
    assertEquals(first.getFinishedAt(), again.getFinishedAt());
    assertEquals(first.getStartedAt(), again.getStartedAt());
  }

  @Test
  void conditionTransitionsMoveOnlyTheChangedCondition() {
    Job job = job("inventory", "");
    job.setStatus(aggregate(job, List.of(task(0, TaskState.IN_PROGRESS, 0, 0, null)), 1, T0));
    assertNull(job.getStatus().getConditions().stream().filter(c -> c.getType().equals(Conditions.COMPLETE))
        .findFirst().orElse(null), "an absent condition reads False and is not written");
    JobStatus done = aggregate(job, List.of(task(0, TaskState.SUCCESS, 1, 0, null)), 1, T1);
    Condition complete = condition(done, Conditions.COMPLETE);
    assertEquals("True", complete.getStatus());
    assertEquals("Succeeded", complete.getReason());
    assertEquals("2025-03-01T10:05:00Z", complete.getLastTransitionTime());
    assertEquals(1L, complete.getObservedGeneration());
    assertEquals(job.getStatus().getStartedAt(), done.getStartedAt(), "startedAt is kept from the first write");
  }

  @Test
  void errorStatusNamesTheCodeAndMessage() {
    Job job = job("inventory", "");
    JobStatus status = JobStatusAggregator.error(job, JobError.invalid("spec.parallelism", "must be positive"), T0);
    assertEquals(JobState.ERROR, status.getStatus());
    assertEquals(ErrorCodes.INVALID_PARAMETER, status.getErrorCode());
    assertEquals("spec.parallelism: must be positive", status.getErrorMessage());
    Condition failed = condition(status, Conditions.FAILED);
    assertEquals("True", failed.getStatus());
    assertEquals("InvalidSpec", failed.getReason());
    assertNotNull(status.getFinishedAt());
  }

  @Test
  void jobStatusHasNoPerTaskArrays() {
    List<JobTask> tasks = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      tasks.add(task(i, TaskState.SUCCESS, 1, 0, null));
    }
    JobStatus status = aggregate(job("cost-analysis", ""), tasks, 500, T0);
    assertEquals(500, status.getCreatedCount());
    assertTrue(status.getSyncedAccounts().size() <= JobStatusAggregator.MAX_LISTED);
  }

  private static Condition condition(JobStatus status, String type) {
    return status.getConditions().stream().filter(c -> c.getType().equals(type)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + type + " condition in " + status.getConditions()));
  }
}
