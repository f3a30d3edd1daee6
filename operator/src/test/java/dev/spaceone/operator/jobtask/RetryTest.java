package dev.spaceone.operator.jobtask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spaceone.contract.ErrorCodes;
import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobState;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.operator.api.v1alpha1.TaskError;
import dev.spaceone.operator.api.v1alpha1.TaskState;
import dev.spaceone.operator.api.Labels;
import dev.spaceone.testkit.MockCluster;
import dev.spaceone.operator.testing.OperatorHarness;
import dev.spaceone.testkit.SimulatedKubelet.PluginRun;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Failed attempts are retried up to backoffLimitPerTask, each in its own pod, each error recorded once. */
class RetryTest {
  private OperatorHarness harness;

  @BeforeEach
  void start() {
    harness = new OperatorHarness(pod -> {
      // "hang" tasks run long on their first attempt, so the test can delete that pod while it runs.
      boolean hang = OperatorHarness.taskJson(pod).path("task_options").path("hang").asBoolean(false);
      if (hang && pod.getMetadata().getLabels().get(Labels.ATTEMPT).equals("1")) {
        return PluginRun.succeeds(Duration.ofSeconds(60), "{}");
      }
      return OperatorHarness.scripted(pod);
    });
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  void twoFailedAttemptsThenASuccessUseThreePods() {
    harness.create("""
        apiVersion: spaceone.dev/v1alpha1
        kind: Job
        metadata:
          name: flaky
        spec:
          backoffLimitPerTask: 2
          plugin:
            image: collector:1
          tasks:
            - options: {failAttempts: 2, created: 6, runMs: 100}
        """);

    Job job = harness.awaitJob("flaky", j -> j.getStatus() != null && j.getStatus().getStatus() == JobState.SUCCESS);
    assertEquals(6, job.getStatus().getCreatedCount(), "only the successful attempt's counts");
    JobTask task = harness.task("flaky-0");
    assertEquals(TaskState.SUCCESS, task.getStatus().getStatus());
    assertEquals(3, task.getStatus().getAttempts());
    assertEquals("flaky-0-3", task.getStatus().getPodName());
    assertEquals(6, task.getStatus().getCreatedCount());

    Map<String, Long> pods = harness.cluster.creations(MockCluster.OPERATOR_AGENT, "pods");
    assertEquals(Map.of("flaky-0-1", 1L, "flaky-0-2", 1L, "flaky-0-3", 1L), pods);

    List<TaskError> errors = task.getStatus().getErrors();
    assertNotNull(errors);
    assertEquals(2, errors.size(), "one error per failed attempt: " + errors);
    assertEquals(List.of("flaky-0-1", "flaky-0-2"), errors.stream().map(e -> e.getAdditional().get("pod")).toList());
    errors.forEach(e -> assertEquals(ErrorCodes.COLLECTOR_PLUGIN, e.getErrorCode()));
    assertTrue(errors.get(0).getMessage().contains("attempt 1 failed"), errors.get(0).getMessage());
    assertTrue(errors.get(1).getMessage().contains("attempt 2 failed"), errors.get(1).getMessage());
    assertTrue(harness.eventReasons("JobTask", "flaky-0").containsAll(List.of("AttemptFailed", "Succeeded")));
  }

  @Test
  void aTaskOutOfRetriesFailsWithEveryAttemptsError() {
    harness.create("""
        apiVersion: spaceone.dev/v1alpha1
        kind: Job
        metadata:
          name: broken
        spec:
          backoffLimitPerTask: 1
          plugin:
            image: collector:1
          tasks:
            - options: {failAttempts: 5, runMs: 50}
        """);

    Job job = harness.awaitJob("broken", j -> j.getStatus() != null && j.getStatus().getStatus() == JobState.FAILURE);
    JobTask task = harness.task("broken-0");
    assertEquals(TaskState.FAILURE, task.getStatus().getStatus());
    assertEquals(2, task.getStatus().getAttempts());
    assertEquals(ErrorCodes.COLLECTOR_PLUGIN, task.getStatus().getErrorCode());
    assertEquals(List.of("broken-0-1", "broken-0-2"),
        task.getStatus().getErrors().stream().map(e -> e.getAdditional().get("pod")).toList());
    assertEquals(1, job.getStatus().getFailureTasks());
  }

  @Test
  void aPodDeletedWhileRunningIsRecordedAndRetried() {
    harness.create("""
        apiVersion: spaceone.dev/v1alpha1
        kind: Job
        metadata:
          name: evicted
        spec:
          backoffLimitPerTask: 1
          plugin:
            image: collector:1
          tasks:
            - options: {hang: true, created: 2, runMs: 100}
        """);
    harness.awaitTask("evicted-0", t -> t.getStatus() != null && t.getStatus().getStatus() == TaskState.IN_PROGRESS);
    harness.client.pods().inNamespace(OperatorHarness.NAMESPACE).withName("evicted-0-1").delete();

    Job job = harness.awaitJob("evicted", j -> j.getStatus() != null && j.getStatus().getStatus() == JobState.SUCCESS);
    JobTask task = harness.task("evicted-0");
    assertEquals(2, task.getStatus().getAttempts());
    assertEquals(2, job.getStatus().getCreatedCount());
    assertEquals(1, task.getStatus().getErrors().size(), task.getStatus().getErrors().toString());
    TaskError error = task.getStatus().getErrors().get(0);
    assertEquals(ErrorCodes.POD_DELETED, error.getErrorCode(), error.getMessage());
    assertEquals("evicted-0-1", error.getAdditional().get("pod"));
    // The deleted pod was released, not left hanging on its finalizer.
    harness.awaitThat(() -> harness.pod("evicted-0-1") == null);
  }

  @Test
  void aPodDeletedWhileRunningFailsTheTaskWithoutRetries() {
    harness.create("""
        apiVersion: spaceone.dev/v1alpha1
        kind: Job
        metadata:
          name: gone
        spec:
          plugin:
            image: collector:1
          tasks:
            - options: {hang: true}
        """);
    harness.awaitTask("gone-0", t -> t.getStatus() != null && t.getStatus().getStatus() == TaskState.IN_PROGRESS);
    harness.client.pods().inNamespace(OperatorHarness.NAMESPACE).withName("gone-0-1").delete();

    harness.awaitJob("gone", j -> j.getStatus() != null && j.getStatus().getStatus() == JobState.FAILURE);
    JobTask task = harness.task("gone-0");
    assertEquals(TaskState.FAILURE, task.getStatus().getStatus());
    assertEquals(ErrorCodes.POD_DELETED, task.getStatus().getErrorCode(), task.getStatus().getErrorMessage());
    assertEquals(1, task.getStatus().getAttempts());
    harness.awaitThat(() -> harness.pod("gone-0-1") == null);
    Pod none = harness.pod("gone-0-2");
    assertEquals(null, none, "no retry without backoffLimitPerTask");
  }
}
