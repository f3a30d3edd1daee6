package dev.spaceone.operator.jobtask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spaceone.contract.ErrorCodes;
import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobState;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.operator.api.v1alpha1.TaskError;
import dev.spaceone.operator.api.v1alpha1.TaskState;
import dev.spaceone.operator.api.Labels;
import dev.spaceone.operator.testing.OperatorHarness;
import dev.spaceone.testkit.SimulatedKubelet.ContainerRun;
import dev.spaceone.testkit.SimulatedKubelet.PluginRun;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 15: a deleted attempt's plugin runs until the kubelet stopped it; the retry starts only after that, so
 * two attempts of a task never run at once and a Job never runs more plugins than its parallelism.
 */
class DeletedAttemptTest {
  /** How long a "slowStop" plugin keeps running after SIGTERM: longer than the test backoff (100 ms). */
  private static final Duration SLOW_STOP = Duration.ofSeconds(2);
  private OperatorHarness harness;

  @BeforeEach
  void start() {
    harness = new OperatorHarness(pod -> {
      // "hang" tasks run long on their first attempt, so the test can delete that pod while it runs.
      var options = OperatorHarness.taskJson(pod).path("task_options");
      boolean firstAttempt = pod.getMetadata().getLabels().get(Labels.ATTEMPT).equals("1");
      if (options.path("hang").asBoolean(false) && firstAttempt) {
        PluginRun hang = new PluginRun(Duration.ofSeconds(60), 0, "{}", SLOW_STOP);
        return hang;
      }
      return OperatorHarness.scripted(pod);
    });
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  void theRetryOfADeletedAttemptStartsOnlyOnceItsPluginStopped() {
    harness.create("""
        apiVersion: spaceone.dev/v1alpha1
        kind: Job
        metadata:
          name: slow-stop
        spec:
          backoffLimitPerTask: 1
          plugin:
            image: collector:1
          tasks:
            - options: {hang: true, created: 3, runMs: 100}
        """);
    harness.awaitTask("slow-stop-0", t -> t.getStatus() != null && t.getStatus().getStatus() == TaskState.IN_PROGRESS);
    harness.client.pods().inNamespace(OperatorHarness.NAMESPACE).withName("slow-stop-0-1").delete();

    Job job = harness.awaitJob("slow-stop", j -> j.getStatus() != null && j.getStatus().getStatus() == JobState.SUCCESS);
    assertEquals(3, job.getStatus().getCreatedCount());
    JobTask task = harness.task("slow-stop-0");
    assertEquals(2, task.getStatus().getAttempts());
    List<ContainerRun> runs = harness.kubelet.runs().stream()
        .sorted(Comparator.comparing(ContainerRun::started)).toList();
    assertEquals(List.of("slow-stop-0-1", "slow-stop-0-2"), runs.stream().map(ContainerRun::pod).toList());
    ContainerRun first = runs.get(0);
    ContainerRun second = runs.get(1);
    assertFalse(first.overlaps(second), "attempt 2 started " + second.started() + ", attempt 1 ended "
        + first.ended());
    assertTrue(Duration.between(first.deletionSeen(), first.ended()).compareTo(SLOW_STOP.minusMillis(100)) >= 0,
        "the first plugin ran on after its deletion: " + first);
    assertEquals(1, harness.kubelet.maxRunningOfOneTask());
    TaskError error = task.getStatus().getErrors().get(0);
    assertEquals(ErrorCodes.POD_DELETED, error.getErrorCode(), error.getMessage());
    assertTrue(error.getMessage().contains("exit code 143"), error.getMessage());
    harness.awaitThat(() -> harness.pod("slow-stop-0-1") == null);
  }

  @Test
  void deletedPodsThatStillRunCountAgainstParallelism() {
    harness.create("""
        apiVersion: spaceone.dev/v1alpha1
        kind: Job
        metadata:
          name: narrow
        spec:
          parallelism: 2
          backoffLimitPerTask: 1
          plugin:
            image: collector:1
          tasks:
            - options: {hang: true, created: 1, runMs: 100}
            - options: {hang: true, created: 2, runMs: 100}
            - options: {created: 4, runMs: 300}
            - options: {created: 8, runMs: 300}
        """);
    harness.awaitTask("narrow-0", t -> t.getStatus() != null && t.getStatus().getStatus() == TaskState.IN_PROGRESS);
    harness.awaitTask("narrow-1", t -> t.getStatus() != null && t.getStatus().getStatus() == TaskState.IN_PROGRESS);
    harness.client.pods().inNamespace(OperatorHarness.NAMESPACE).withName("narrow-0-1").delete();
    harness.client.pods().inNamespace(OperatorHarness.NAMESPACE).withName("narrow-1-1").delete();

    Job job = harness.awaitJob("narrow", j -> j.getStatus() != null && j.getStatus().getStatus() == JobState.SUCCESS);
    assertEquals(15, job.getStatus().getCreatedCount());
    assertTrue(harness.kubelet.maxRunning("narrow") <= 2, "at most 2 plugins at once, saw "
        + harness.kubelet.maxRunning("narrow") + ": " + harness.kubelet.runs());
    assertEquals(1, harness.kubelet.maxRunningOfOneTask(), harness.kubelet.runs().toString());
  }
}
