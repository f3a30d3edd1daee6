package dev.spaceone.operator.jobtask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spaceone.contract.ErrorCodes;
import dev.spaceone.contract.ResultCount;
import dev.spaceone.operator.api.v1alpha1.TaskState;
import dev.spaceone.operator.desired.TaskPodBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PodOutcomesTest {
  private static final String FINISHED_AT = "2025-03-01T10:00:00Z";
  private static final Instant NOW = Instant.parse("2025-03-01T10:00:10Z");

  private static Pod ended(String phase, int exitCode, String message) {
    return new PodBuilder().withNewMetadata().withName("job-0-1").endMetadata()
        .withNewSpec().withActiveDeadlineSeconds(30L).endSpec()
        .withNewStatus().withPhase(phase)
        .withContainerStatuses(new ContainerStatusBuilder().withName(TaskPodBuilder.CONTAINER)
            .withNewState().withNewTerminated().withExitCode(exitCode).withMessage(message)
            .withReason(exitCode == 0 ? "Completed" : "Error").withFinishedAt(FINISHED_AT)
            .endTerminated().endState().build())
        .endStatus().build();
  }

  private static AttemptOutcome outcome(Pod pod) {
    return PodOutcomes.of(pod, NOW).orElseThrow(() -> new AssertionError("the pod has ended"));
  }

  @Test
  void runningPodHasNoOutcomeYet() {
    Pod running = new PodBuilder().withNewMetadata().withName("job-0-1").endMetadata()
        .withNewStatus().withPhase("Running").endStatus().build();
    assertTrue(PodOutcomes.of(running, NOW).isEmpty());
    Pod pending = new PodBuilder().withNewMetadata().withName("job-0-1").endMetadata().build();
    assertTrue(PodOutcomes.of(pending, NOW).isEmpty());
  }

  @Test
  void success() {
    AttemptOutcome outcome = outcome(ended("Succeeded", 0, "{\"created_count\":4,\"updated_count\":2}"));
    assertEquals(TaskState.SUCCESS, outcome.state());
    assertFalse(outcome.retryable());
    assertNull(outcome.errorCode());
    assertEquals(4, outcome.result().count(ResultCount.CREATED));
    assertEquals(2, outcome.result().count(ResultCount.UPDATED));
    assertEquals(Instant.parse(FINISHED_AT), outcome.finishedAt());
  }

  @Test
  void failureCountMakesAFailureThatKeepsItsCountsAndIsNotRetried() {
    AttemptOutcome outcome = outcome(ended("Succeeded", 0,
        "{\"created_count\":3,\"failure_count\":2,\"errors\":[{\"error_code\":\"ERROR_AUTH\",\"message\":\"denied\"}]}"));
    assertEquals(TaskState.FAILURE, outcome.state());
    assertFalse(outcome.retryable(), "a valid result does not change by retrying");
    assertEquals(3, outcome.result().count(ResultCount.CREATED));
    assertEquals(2, outcome.result().count(ResultCount.FAILURE));
    assertEquals("ERROR_AUTH", outcome.errorCode(), "the plugin's own error code");
    assertTrue(outcome.errorMessage().contains("denied"), outcome.errorMessage());
  }

  @Test
  void failureCountWithoutErrorsGetsTheGenericCode() {
    AttemptOutcome outcome = outcome(ended("Succeeded", 0, "{\"failure_count\":1}"));
    assertEquals(TaskState.FAILURE, outcome.state());
    assertEquals(ErrorCodes.COLLECT_FAILURE, outcome.errorCode());
  }

  @Test
  void nonZeroExitIsAPluginErrorWithItsMessage() {
    AttemptOutcome outcome = outcome(ended("Failed", 3, "cannot reach the cloud API"));
    assertEquals(TaskState.FAILURE, outcome.state());
    assertTrue(outcome.retryable());
    assertEquals(ErrorCodes.COLLECTOR_PLUGIN, outcome.errorCode());
    assertTrue(outcome.errorMessage().contains("code 3"), outcome.errorMessage());
    assertTrue(outcome.errorMessage().contains("cannot reach the cloud API"), outcome.errorMessage());
  }

  @Test
  void nonZeroExitWithoutMessageNamesTheReason() {
    AttemptOutcome outcome = outcome(ended("Failed", 137, ""));
    assertEquals(ErrorCodes.COLLECTOR_PLUGIN, outcome.errorCode());
    assertTrue(outcome.errorMessage().contains("137"), outcome.errorMessage());
  }

  @Test
  void exitZeroWithABrokenResultIsAResultError() {
    AttemptOutcome malformed = outcome(ended("Succeeded", 0, "half a {"));
    assertEquals(TaskState.FAILURE, malformed.state());
    assertEquals(ErrorCodes.RESULT_MALFORMED, malformed.errorCode());
    assertTrue(malformed.errorMessage().contains("half a {"));
    assertEquals(ErrorCodes.RESULT_MISSING, outcome(ended("Succeeded", 0, null)).errorCode());
  }

  @Test
  void deadlineExceededIsATimeout() {
    Pod pod = new PodBuilder(ended("Failed", 137, "")).editStatus().withReason("DeadlineExceeded").endStatus().build();
    AttemptOutcome outcome = outcome(pod);
    assertEquals(TaskState.TIMEOUT, outcome.state());
    assertEquals(ErrorCodes.TASK_TIMEOUT, outcome.errorCode());
    assertTrue(outcome.errorMessage().contains("30s"), outcome.errorMessage());
  }

  @Test
  void deadlineExceededBeforeTheContainerRan() {
    Pod pod = new PodBuilder().withNewMetadata().withName("job-0-1").endMetadata()
        .withNewSpec().withActiveDeadlineSeconds(5L).endSpec()
        .withNewStatus().withPhase("Failed").withReason("DeadlineExceeded").endStatus().build();
    AttemptOutcome outcome = outcome(pod);
    assertEquals(TaskState.TIMEOUT, outcome.state());
    assertNull(outcome.finishedAt());
  }

  @Test
  void failedPodWithoutContainerStatusSaysWhy() {
    Pod pod = new PodBuilder().withNewMetadata().withName("job-0-1").endMetadata()
        .withNewStatus().withPhase("Failed").withReason("Evicted").withMessage("The node was low on memory.")
        .endStatus().build();
    AttemptOutcome outcome = outcome(pod);
    assertEquals(TaskState.FAILURE, outcome.state());
    assertTrue(outcome.retryable());
    assertEquals(ErrorCodes.COLLECTOR_PLUGIN, outcome.errorCode());
    assertTrue(outcome.errorMessage().contains("Evicted"), outcome.errorMessage());
    assertTrue(outcome.errorMessage().contains("low on memory"), outcome.errorMessage());
    assertNull(outcome.result());
  }

  @Test
  void otherContainersAreIgnored() {
    Pod pod = new PodBuilder(ended("Succeeded", 0, "{}")).editStatus()
        .withContainerStatuses(List.of(new ContainerStatusBuilder().withName("sidecar")
            .withNewState().withNewTerminated().withExitCode(0).withMessage("{\"created_count\":9}").endTerminated()
            .endState().build()))
        .endStatus().build();
    AttemptOutcome outcome = outcome(pod);
    assertNotNull(outcome.errorMessage());
    assertEquals(ErrorCodes.COLLECTOR_PLUGIN, outcome.errorCode(), "no plugin container status: not the sidecar's");
  }

  @Test
  void aPluginKilledBecauseItsPodWasDeletedIsPodDeleted() {
    Pod pod = new PodBuilder(ended("Failed", 137, "")).editMetadata().withDeletionTimestamp(FINISHED_AT).endMetadata()
        .build();
    AttemptOutcome outcome = outcome(pod);
    assertEquals(ErrorCodes.POD_DELETED, outcome.errorCode());
    assertTrue(outcome.retryable());
    assertTrue(outcome.errorMessage().contains("137"), outcome.errorMessage());
  }

  @Test
  void aPluginStoppedBySigtermWhileItsPodWasDeletedIsPodDeleted() {
    Pod pod = new PodBuilder(ended("Failed", 143, null)).editMetadata().withDeletionTimestamp(FINISHED_AT)
        .endMetadata().build();
    assertEquals(ErrorCodes.POD_DELETED, outcome(pod).errorCode());
  }

  /** Issue 15: the container's finishedAt and the deletionTimestamp are whole seconds; a tie is no proof. */
  @Test
  void aPluginThatFailedInTheSecondItsPodWasDeletedKeepsItsOwnError() {
    Pod pod = new PodBuilder(ended("Failed", 1, "bad credentials")).editMetadata()
        .withDeletionTimestamp(FINISHED_AT).endMetadata().build();
    AttemptOutcome outcome = outcome(pod);
    assertEquals(ErrorCodes.COLLECTOR_PLUGIN, outcome.errorCode(), outcome.errorMessage());
    assertTrue(outcome.errorMessage().contains("bad credentials"), outcome.errorMessage());
  }

  @Test
  void aValidResultWithANonZeroExitKeepsItsCountsWhenThePodWasDeleted() {
    Pod pod = new PodBuilder(ended("Failed", 2,
        "{\"created_count\":7,\"errors\":[{\"error_code\":\"ERROR_AUTH\",\"message\":\"denied\"}]}"))
        .editMetadata().withDeletionTimestamp(FINISHED_AT).endMetadata().build();
    AttemptOutcome outcome = outcome(pod);
    assertEquals(ErrorCodes.COLLECTOR_PLUGIN, outcome.errorCode(), outcome.errorMessage());
    assertEquals(7, outcome.result().count(ResultCount.CREATED));
    assertEquals("ERROR_AUTH", outcome.result().errors().get(0).getErrorCode());
  }

  @Test
  void anOutOfMemoryKillDuringDeletionIsTheContainersOwnFailure() {
    Pod pod = new PodBuilder(ended("Failed", 137, "")).editMetadata().withDeletionTimestamp(FINISHED_AT)
        .endMetadata().editStatus().editFirstContainerStatus().editState().editTerminated().withReason("OOMKilled")
        .endTerminated().endState().endContainerStatus().endStatus().build();
    AttemptOutcome outcome = outcome(pod);
    assertEquals(ErrorCodes.COLLECTOR_PLUGIN, outcome.errorCode());
    assertTrue(outcome.errorMessage().contains("OOMKilled"), outcome.errorMessage());
  }







  /** Issue 15: a deleted pod whose plugin still runs has not ended; a retry now would run beside it. */
  @Test
  void aRunningPodBeingDeletedHasNoOutcomeUntilItsPluginStops() {
    Pod pod = new PodBuilder().withNewMetadata().withName("job-0-1").withDeletionTimestamp(FINISHED_AT)
        .withDeletionGracePeriodSeconds(30L).endMetadata()
        .withNewSpec().withNodeName("node-a").endSpec()
        .withNewStatus().withPhase("Running").withStartTime("2025-03-01T09:59:00Z")
        .withContainerStatuses(new ContainerStatusBuilder().withName(TaskPodBuilder.CONTAINER)
            .withNewState().withNewRunning().withStartedAt("2025-03-01T09:59:00Z").endRunning().endState().build())
        .endStatus().build();
    assertTrue(PodOutcomes.of(pod, NOW).isEmpty());
    assertTrue(PodOutcomes.of(pod, NOW.plus(java.time.Duration.ofDays(1))).isEmpty(), "no task timeout: no bound");
    assertTrue(PodOutcomes.settledBy(pod).isEmpty());
  }

  @Test
  void aDeletedPodWhoseNodeIsSilentEndsOnceTheTaskTimeoutAndGracePeriodArePast() {
    Pod pod = new PodBuilder().withNewMetadata().withName("job-0-1").withDeletionTimestamp(FINISHED_AT).endMetadata()
        .withNewSpec().withNodeName("node-a").withActiveDeadlineSeconds(60L).withTerminationGracePeriodSeconds(10L)
        .endSpec()
        .withNewStatus().withPhase("Running").withStartTime("2025-03-01T09:59:30Z").endStatus().build();
    Instant bound = Instant.parse("2025-03-01T10:00:40Z");
    assertEquals(bound, PodOutcomes.settledBy(pod).orElseThrow());
    assertTrue(PodOutcomes.of(pod, bound.minusSeconds(1)).isEmpty());
    AttemptOutcome outcome = PodOutcomes.of(pod, bound).orElseThrow();
    assertEquals(ErrorCodes.POD_DELETED, outcome.errorCode());
    assertTrue(outcome.retryable());
  }

  @Test
  void aPodDeletedBeforeItWasScheduledHasEnded() {
    Pod pod = new PodBuilder().withNewMetadata().withName("job-0-1").withDeletionTimestamp(FINISHED_AT).endMetadata()
        .withNewStatus().withPhase("Pending").endStatus().build();
    assertEquals(ErrorCodes.POD_DELETED, outcome(pod).errorCode());
    Pod bound = new PodBuilder(pod).editOrNewSpec().withNodeName("node-a").endSpec().build();
    assertTrue(PodOutcomes.of(bound, NOW).isEmpty(), "its kubelet may be starting it");
  }

  @Test
  void aPluginThatFailedBeforeItsPodWasDeletedKeepsItsOwnError() {
    Pod pod = new PodBuilder(ended("Failed", 1, "bad credentials")).editMetadata()
        .withDeletionTimestamp("2025-03-01T10:00:05Z").endMetadata().build();
    assertEquals(ErrorCodes.COLLECTOR_PLUGIN, outcome(pod).errorCode());
  }

  @Test
  void aSucceededPodDeletedBeforeItsResultWasReadKeepsItsCounts() {
    Pod pod = new PodBuilder(ended("Succeeded", 0, "{\"created_count\":5}")).editMetadata()
        .withDeletionTimestamp("2025-03-01T10:00:05Z").endMetadata().build();
    AttemptOutcome outcome = outcome(pod);
    assertEquals(TaskState.SUCCESS, outcome.state());
    assertEquals(5, outcome.result().count(ResultCount.CREATED));
  }
}
