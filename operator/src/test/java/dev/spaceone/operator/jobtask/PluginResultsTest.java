package dev.spaceone.operator.jobtask;

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
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** How each kind of plugin result ends a task, end to end on the mock cluster. */
class PluginResultsTest {
  @RegisterExtension
  final OperatorHarness harness = new OperatorHarness(OperatorHarness::scripted);

  private Job createJob(String name, List<Map<String, Object>> taskOptions) {
    StringBuilder tasks = new StringBuilder();
    for (Map<String, Object> options : taskOptions) {
      tasks.append("    - options: ").append(Serialization.asJson(options)).append('\n');
    }
    return harness.create("""
        apiVersion: spaceone.dev/v1alpha1
        kind: Job
        metadata:
          name: %s
        spec:
          plugin:
            image: collector:1
          tasks:
        %s""".formatted(name, tasks));
  }

  private Job awaitFinished(String name) {
    return harness.awaitJob(name, j -> j.getStatus() != null && j.getStatus().getStatus() != null
        && j.getStatus().getStatus().isFinished());
  }

  @Test
  void failureCountEndsTheTaskFailureWithItsCountsKeptAndTheJobFailure() {
    createJob("partial", List.of(
        Map.of("created", 1, "updated", 2),
        Map.of("result", "{\"created_count\":3,\"updated_count\":4,\"failure_count\":2,"
            + "\"errors\":[{\"error_code\":\"ERROR_AUTH\",\"message\":\"access denied for 2 regions\"}]}")));

    Job job = awaitFinished("partial");
    assertEquals(JobState.FAILURE, job.getStatus().getStatus());
    assertEquals(1, job.getStatus().getSuccessTasks());
    assertEquals(1, job.getStatus().getFailureTasks());
    assertEquals(4, job.getStatus().getCreatedCount(), "the failed task's counts are summed too");
    assertEquals(6, job.getStatus().getUpdatedCount());
    assertEquals(2, job.getStatus().getFailureCount());
    assertTrue(Conditions.isTrue(job.getStatus().getConditions(), Conditions.FAILED));
    assertTrue(job.getStatus().getErrorMessage().contains("access denied"), job.getStatus().getErrorMessage());

    JobTask failed = harness.task("partial-1");
    assertEquals(TaskState.FAILURE, failed.getStatus().getStatus());
    assertEquals(3, failed.getStatus().getCreatedCount());
    assertEquals(4, failed.getStatus().getUpdatedCount());
    assertEquals(2, failed.getStatus().getFailureCount());
    assertEquals("ERROR_AUTH", failed.getStatus().getErrorCode());
    assertEquals(1, failed.getStatus().getAttempts(), "a valid result is not retried");
    assertEquals(List.of("ERROR_AUTH"), failed.getStatus().getErrors().stream().map(e -> e.getErrorCode()).toList());
    assertEquals("access denied for 2 regions", failed.getStatus().getErrors().get(0).getMessage());
  }

  @Test
  void nonZeroExitIsACollectorPluginErrorWithTheMessage() {
    createJob("crash", List.of(Map.of("exit", 2, "result", "boom: credentials rejected by the cloud")));

    Job job = awaitFinished("crash");
    assertEquals(JobState.FAILURE, job.getStatus().getStatus());
    JobTask task = harness.task("crash-0");
    assertEquals(TaskState.FAILURE, task.getStatus().getStatus());
    assertEquals(ErrorCodes.COLLECTOR_PLUGIN, task.getStatus().getErrorCode());
    assertTrue(task.getStatus().getErrorMessage().contains("exited with code 2"), task.getStatus().getErrorMessage());
    assertTrue(task.getStatus().getErrorMessage().contains("boom: credentials rejected by the cloud"));
    assertEquals(1, task.getStatus().getErrors().size());
    assertEquals(ErrorCodes.COLLECTOR_PLUGIN, task.getStatus().getErrors().get(0).getErrorCode());
    assertEquals(0, task.getStatus().getCreatedCount());
  }

  @Test
  void malformedOversizedAndMissingResultsEachHaveTheirCodeAndRawText() {
    String oversized = "{\"created_count\":1,\"note\":\"" + "x".repeat(5000) + "\"}";
    createJob("broken", List.of(
        Map.of("result", "created=3; not json"),
        Map.of("result", oversized),
        Map.of("result", ""),
        Map.of("result", "[1,2]")));

    Job job = awaitFinished("broken");
    assertEquals(JobState.FAILURE, job.getStatus().getStatus());
    assertEquals(4, job.getStatus().getFailureTasks());
    assertEquals(0, job.getStatus().getCreatedCount(), "nothing of a broken result is counted");

    JobTask malformed = harness.task("broken-0");
    assertEquals(TaskState.FAILURE, malformed.getStatus().getStatus());
    assertEquals(ErrorCodes.RESULT_MALFORMED, malformed.getStatus().getErrorCode());
    assertTrue(malformed.getStatus().getErrorMessage().contains("created=3; not json"));

    JobTask tooLarge = harness.task("broken-1");
    assertEquals(TaskState.FAILURE, tooLarge.getStatus().getStatus());
    assertEquals(ErrorCodes.RESULT_TOO_LARGE, tooLarge.getStatus().getErrorCode());
    String message = tooLarge.getStatus().getErrorMessage();
    assertTrue(message.contains("{\"created_count\":1,\"note\":\"xxx"), message);
    assertTrue(message.endsWith("...(truncated)"), "the raw text is truncated");
    assertTrue(message.length() < 1200, "length " + message.length());
    assertEquals(0, tooLarge.getStatus().getCreatedCount());

    JobTask missing = harness.task("broken-2");
    assertEquals(ErrorCodes.RESULT_MISSING, missing.getStatus().getErrorCode());
    assertTrue(missing.getStatus().getErrorMessage().contains("SPACEONE_RESULT_FILE"));

    JobTask notObject = harness.task("broken-3");
    assertEquals(ErrorCodes.RESULT_MALFORMED, notObject.getStatus().getErrorCode());
    assertTrue(notObject.getStatus().getErrorMessage().contains("[1,2]"));

    for (JobTask task : harness.tasks("broken")) {
      assertTrue(Conditions.isTrue(task.getStatus().getConditions(), Conditions.FAILED), task.getMetadata().getName());
      assertNull(task.getStatus().getConditions().stream().filter(c -> c.getType().equals(Conditions.COMPLETE)
          && "True".equals(c.getStatus())).findFirst().orElse(null));
    }
  }
}
