package dev.spaceone.operator.jobtask;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spaceone.contract.ErrorCodes;
import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobState;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.operator.api.v1alpha1.TaskState;
import dev.spaceone.operator.settings.OperatorSettings;
import dev.spaceone.testkit.MockCluster;
import dev.spaceone.operator.testing.OperatorHarness;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A task waiting to retry a failed attempt is stopped by cancel at once: no further pod starts. */
class StopDuringBackoffTest {
  private OperatorHarness harness;

  @BeforeEach
  void start() {
    // A 30 s backoff: the retry is far off when the Job is canceled.
    OperatorSettings settings = OperatorSettings.forTests().withRetryBackoff(Duration.ofSeconds(30),
        Duration.ofSeconds(30));
    harness = new OperatorHarness(settings, OperatorHarness::scripted);
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  void cancelDuringBackoffStartsNoNewPod() {
    harness.create("""
        apiVersion: spaceone.dev/v1alpha1
        kind: Job
        metadata:
          name: backoff
        spec:
          backoffLimitPerTask: 3
          plugin:
            image: collector:1
          tasks:
            - options: {failAttempts: 3, runMs: 50}
        """);
    harness.awaitTask("backoff-0", t -> t.getStatus() != null && t.getStatus().getErrors() != null
        && t.getStatus().getErrors().size() == 1);

    harness.patchJob("backoff", "{\"spec\":{\"cancel\":true}}");

    Job job = harness.awaitJob("backoff", j -> j.getStatus() != null && j.getStatus().getStatus() == JobState.CANCELED);
    JobTask task = harness.task("backoff-0");
    assertEquals(TaskState.CANCELED, task.getStatus().getStatus());
    assertEquals(ErrorCodes.COLLECT_CANCELED, task.getStatus().getErrorCode());
    assertEquals(Map.of("backoff-0-1", 1L), harness.cluster.creations(MockCluster.OPERATOR_AGENT, "pods"),
        "no retry pod after cancel");
    assertEquals(1, job.getStatus().getCanceledTasks());
  }
}
