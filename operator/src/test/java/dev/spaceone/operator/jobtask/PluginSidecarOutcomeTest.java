package dev.spaceone.operator.jobtask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spaceone.contract.ErrorCodes;
import dev.spaceone.operator.api.v1alpha1.TaskState;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A grpc pod whose plugin sidecar never serves: judged from the pod's status, the runner never having run. */
class PluginSidecarOutcomeTest {
  static final Instant NOW = Instant.parse("2026-01-01T00:10:00Z");

  /** A grpc pod (sidecar `plugin` on 50051, main container `runner`) in {@code phase} with these statuses. */
  static Pod grpcPod(String phase, String reason, ContainerStatus sidecar, ContainerStatus runner) {
    return new PodBuilder()
        .withNewMetadata().withName("inv-0-1").withNamespace("ns").endMetadata()
        .withNewSpec().withActiveDeadlineSeconds(600L)
        .addNewInitContainer().withName("plugin").withImage("p").withRestartPolicy("Always")
        .addNewPort().withContainerPort(50051).endPort().endInitContainer()
        .addNewContainer().withName("runner").withImage("r").endContainer()
        .endSpec()
        .withNewStatus().withPhase(phase).withReason(reason).withStartTime("2026-01-01T00:00:00Z")
        .withInitContainerStatuses(sidecar).withContainerStatuses(runner).endStatus()
        .build();
  }

  static ContainerStatus sidecar(boolean started, int restarts, Integer lastExit) {
    ContainerStatusBuilder b = new ContainerStatusBuilder().withName("plugin").withStarted(started)
        .withRestartCount(restarts).withNewState().withNewRunning().withStartedAt("2026-01-01T00:05:00Z")
        .endRunning().endState();
    if (lastExit != null) {
      b.withNewLastState().withNewTerminated().withExitCode(lastExit).withReason("Error")
          .withFinishedAt("2026-01-01T00:04:59Z").endTerminated().endLastState();
    }
    return b.build();
  }

  static ContainerStatus runnerWaiting() {
    return new ContainerStatusBuilder().withName("runner").withRestartCount(0).withNewState().withNewWaiting()
        .withReason("PodInitializing").endWaiting().endState().build();
  }

  @Test
  void aSidecarStillStartingForTheFirstTimeHasNoOutcome() {
    Pod pod = grpcPod("Pending", null, sidecar(false, 0, null), runnerWaiting());
    assertEquals(Optional.empty(), PodOutcomes.of(pod, NOW));
  }

  @Test
  void aSidecarRestartedBeforeItsProbePassedIsUnreachable() {
    Pod pod = grpcPod("Pending", null, sidecar(false, 2, 1), runnerWaiting());
    AttemptOutcome outcome = PodOutcomes.of(pod, NOW).orElseThrow();
    assertEquals(TaskState.FAILURE, outcome.state());
    assertEquals(ErrorCodes.PLUGIN_UNREACHABLE, outcome.errorCode());
    assertTrue(outcome.retryable());
    assertEquals("the plugin sidecar was restarted 2 times and its startup probe on port 50051 never passed"
        + " (last run: exit code 1, Error); the runner never started", outcome.errorMessage());
    assertEquals(Instant.parse("2026-01-01T00:04:59Z"), outcome.finishedAt());
    assertTrue(PodOutcomes.mayStillRun(pod), "the pod is deleted: its sidecar could still pass later");
  }

  @Test
  void theTaskTimeoutBeforeTheProbePassedIsUnreachableNotATimeout() {
    Pod pod = grpcPod("Failed", "DeadlineExceeded", sidecar(false, 0, null), runnerWaiting());
    AttemptOutcome outcome = PodOutcomes.of(pod, NOW).orElseThrow();
    assertEquals(ErrorCodes.PLUGIN_UNREACHABLE, outcome.errorCode());
    assertEquals("the plugin's startup probe on port 50051 never passed within the task timeout"
        + " (activeDeadlineSeconds 600s); the runner never started", outcome.errorMessage());
    assertFalse(PodOutcomes.mayStillRun(pod), "a failed pod runs nothing more");
  }

  @Test
  void aSidecarThatServedAndThenRestartedLeavesTheVerdictToTheRunner() {
    Pod pod = grpcPod("Running", null, sidecar(true, 1, 137), new ContainerStatusBuilder().withName("runner")
        .withNewState().withNewRunning().endRunning().endState().build());
    assertEquals(Optional.empty(), PodOutcomes.of(pod, NOW));
  }

  @Test
  void aTimeoutAfterTheSidecarStartedIsTheTasksTimeout() {
    Pod pod = grpcPod("Failed", "DeadlineExceeded", sidecar(true, 0, null), new ContainerStatusBuilder()
        .withName("runner").withNewState().withNewTerminated().withExitCode(137).endTerminated().endState().build());
    assertEquals(ErrorCodes.TASK_TIMEOUT, PodOutcomes.of(pod, NOW).orElseThrow().errorCode());
  }

  @Test
  void aPodBeingDeletedIsJudgedAsDeletedNotUnreachable() {
    Pod pod = grpcPod("Pending", null, sidecar(false, 3, 1), runnerWaiting());
    pod.getMetadata().setDeletionTimestamp("2026-01-01T00:09:00Z");
    assertTrue(PodOutcomes.pluginNeverServed(pod).isEmpty());
    assertFalse(PodOutcomes.mayStillRun(pod));
  }
}
