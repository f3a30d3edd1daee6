package dev.spaceone.operator.jobtask;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spaceone.contract.ErrorCodes;
import dev.spaceone.operator.api.v1alpha1.JobTaskStatus;
import dev.spaceone.operator.api.v1alpha1.TaskError;
import dev.spaceone.operator.api.v1alpha1.TaskState;
import dev.spaceone.operator.desired.TaskPodBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The final status of an attempt, from the pod as the kubelet left it. */
class TaskStatusTransitionsTest {
  private static final Instant NOW = Instant.parse("2025-03-01T10:00:10Z");

  private static JobTaskStatus finishedFrom(int exitCode, String message) {
    Pod pod = new PodBuilder().withNewMetadata().withName("job-0-1").endMetadata()
        .withNewStatus().withPhase(exitCode == 0 ? "Succeeded" : "Failed")
        .withContainerStatuses(new ContainerStatusBuilder().withName(TaskPodBuilder.CONTAINER)
            .withNewState().withNewTerminated().withExitCode(exitCode).withMessage(message).withReason("Error")
            .withFinishedAt("2025-03-01T10:00:00Z").endTerminated().endState().build())
        .endStatus().build();
    AttemptOutcome outcome = PodOutcomes.of(pod, NOW).orElseThrow();
    return TaskStatusTransitions.finished(null, "job-0-1", 1, outcome, NOW);
  }

  /** Issue 15: a valid result written with a non-zero exit keeps its counts and errors, plus the exit's error. */
  @Test
  void aValidResultWithANonZeroExitKeepsCountsAndErrorsAndAddsThePluginError() {
    JobTaskStatus status = finishedFrom(3, "{\"created_count\":4,\"failure_count\":1,\"errors\":"
        + "[{\"error_code\":\"ERROR_AUTH\",\"message\":\"denied\"}]}");
    assertEquals(TaskState.FAILURE, status.getStatus());
    assertEquals(4, status.getCreatedCount());
    assertEquals(1, status.getFailureCount());
    assertEquals(ErrorCodes.COLLECTOR_PLUGIN, status.getErrorCode());
    assertEquals(List.of("ERROR_AUTH", ErrorCodes.COLLECTOR_PLUGIN),
        status.getErrors().stream().map(TaskError::getErrorCode).toList());
  }

  @Test
  void aFailureCountWithErrorsIsRecordedOnce() {
    JobTaskStatus status = finishedFrom(0, "{\"created_count\":2,\"failure_count\":1,\"errors\":"
        + "[{\"error_code\":\"ERROR_AUTH\",\"message\":\"denied\"}]}");
    assertEquals("ERROR_AUTH", status.getErrorCode());
    assertEquals(List.of("ERROR_AUTH"), status.getErrors().stream().map(TaskError::getErrorCode).toList());
  }

  @Test
  void aFailureCountWithoutErrorsGetsTheGenericError() {
    JobTaskStatus status = finishedFrom(0, "{\"failure_count\":1}");
    assertEquals(List.of(ErrorCodes.COLLECT_FAILURE), status.getErrors().stream().map(TaskError::getErrorCode)
        .toList());
  }
}
