package dev.spaceone.operator.job;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * When the plan of a planning pod can be read: as soon as its runner exited 0, even while a real kubelet still stops
 * the plugin sidecar (the pod stays Running for up to the grace period; the e2e real node showed it).
 */
class PlanningPodEndTest {
  @Test
  void theRunnerExitedZeroWhileTheSidecarStillRuns() {
    assertTrue(JobReconciler.planned(pod("Running", runner(0))));
  }

  @Test
  void aSucceededPodHasPlanned() {
    assertTrue(JobReconciler.planned(pod("Succeeded", runner(0))));
  }

  @Test
  void aRunnerThatFailedOrStillRunsHasNotPlanned() {
    assertFalse(JobReconciler.planned(pod("Running", runner(1))));
    assertFalse(JobReconciler.planned(pod("Running", new ContainerStatusBuilder().withName("runner")
        .withNewState().withNewRunning().endRunning().endState().build())));
    assertFalse(JobReconciler.planned(pod("Pending", null)));
    assertFalse(JobReconciler.planned(new PodBuilder().build()));
  }

  private static Pod pod(String phase, ContainerStatus runner) {
    return new PodBuilder().withNewStatus().withPhase(phase)
        .withInitContainerStatuses(new ContainerStatusBuilder().withName("plugin").withStarted(true)
            .withNewState().withNewRunning().endRunning().endState().build())
        .withContainerStatuses(runner == null ? List.of() : List.of(runner)).endStatus().build();
  }

  private static ContainerStatus runner(int exitCode) {
    return new ContainerStatusBuilder().withName("runner").withNewState().withNewTerminated().withExitCode(exitCode)
        .endTerminated().endState().build();
  }
}
