package dev.spaceone.operator.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spaceone.contract.ErrorCodes;
import dev.spaceone.operator.api.Labels;
import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobState;
import dev.spaceone.operator.settings.OperatorSettings;
import dev.spaceone.operator.testing.OperatorHarness;
import dev.spaceone.operator.testing.PlanFixture;
import dev.spaceone.testkit.MockCluster;
import dev.spaceone.testkit.SimulatedKubelet.PluginRun;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A planning attempt whose plugin never served is stopped (its pod deleted), and the next attempt starts after
 * the retry backoff. The attempt is counted from the cluster: an operator restart in between, after the stopped
 * pod was confirmed gone by its kubelet, must neither plan that Secret from attempt 1 again nor go past
 * backoffLimitPerTask.
 */
class PlanningAttemptRestartTest {
  /** Planning pods by name that plan (the others never serve). */
  private final Map<String, PluginRun> planning = new java.util.concurrent.ConcurrentHashMap<>();
  private OperatorHarness harness;

  @BeforeEach
  void start() {
    // A backoff long enough for the kubelet to confirm the stopped pod's deletion before the next attempt.
    harness = new OperatorHarness(OperatorSettings.forTests().withRetryBackoff(Duration.ofSeconds(2),
        Duration.ofSeconds(2)), pod -> Labels.PLANNING.equals(pod.getMetadata().getLabels().get(Labels.ROLE))
            ? planning.getOrDefault(pod.getMetadata().getName(), PluginRun.neverServes(2))
            : OperatorHarness.scripted(pod));
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  void aPlanningPodThatNeverServedStillCountsAsAnAttemptAfterARestart() {
    harness.create(PluginDividedJobTest.job("unserved", "backoffLimitPerTask: 1\n"));
    restartOnceStopped("unserved-plan");

    Job job = awaitFinishedOrReplanned("unserved", 2);
    assertEquals(Map.of("unserved-plan", 1L, "unserved-plan-2", 1L), planningPodCreations("unserved"),
        "each attempt's pod created once, and no more than 1 + backoffLimitPerTask");
    assertEquals(JobState.ERROR, job.getStatus().getStatus(), harness.describe("unserved"));
    assertEquals(ErrorCodes.GET_JOB_TASKS, job.getStatus().getErrorCode());
    assertTrue(job.getStatus().getErrorMessage().startsWith(ErrorCodes.PLUGIN_UNREACHABLE + ": the plugin sidecar"),
        job.getStatus().getErrorMessage());
    assertTrue(job.getStatus().getErrorMessage().endsWith("(planning attempt 2 of 2)"),
        job.getStatus().getErrorMessage());
    // The stopped attempts' pods are let go once they are no longer the record of an attempt.
    harness.awaitThat(() -> harness.pods("unserved").stream().allMatch(p -> p.getMetadata().getFinalizers().isEmpty()));
  }

  @Test
  void aSecretWhosePlanningPodNeverServedIsSkippedAfterItsRetriesAcrossARestart() {
    for (String name : new String[] {"s-1", "s-2"}) {
      harness.client.secrets().inNamespace(OperatorHarness.NAMESPACE).resource(new SecretBuilder().withNewMetadata()
          .withName(name).addToLabels("spaceone.dev/data-source", "ds-9").endMetadata().build()).create();
    }
    planning.put("several-plan-s1", PluginDividedJobTest.plans(PlanFixture.ofCounts(2, 3, 0), Duration.ofMillis(100)));
    harness.create(PluginDividedJobTest.job("several", """
        backoffLimitPerTask: 1
        secretSelector:
          matchLabels:
            spaceone.dev/data-source: ds-9
        """));
    restartOnceStopped("several-plan-s0");

    Job job = awaitFinishedOrReplanned("several", 3);
    assertEquals(Map.of("several-plan-s0", 1L, "several-plan-s0-2", 1L, "several-plan-s1", 1L),
        planningPodCreations("several"));
    assertEquals(JobState.SUCCESS, job.getStatus().getStatus(), harness.describe("several"));
    assertEquals(6, job.getStatus().getCreatedCount());
    var skipped = job.getStatus().getPlan().getSources().get(0);
    assertEquals("several-plan-s0-2", skipped.getPodName());
    assertTrue(skipped.getErrorMessage().endsWith("(planning attempt 2 of 2)"), skipped.getErrorMessage());
    harness.awaitThat(() -> harness.pods("several").stream().allMatch(p -> p.getMetadata().getFinalizers().isEmpty()));
  }

  /**
   * Waits until the operator stopped the first planning pod (its plugin never served), stops the operator, waits
   * until the kubelet ended that pod, and starts the operator again: the restart falls in the retry backoff.
   */
  private void restartOnceStopped(String podName) {
    harness.awaitThat(() -> {
      Pod pod = harness.pod(podName);
      return pod != null && pod.getMetadata().getDeletionTimestamp() != null;
    });
    harness.stopOperator();
    harness.awaitThat(() -> {
      Pod pod = harness.pod(podName);
      return pod == null || "Failed".equals(pod.getStatus().getPhase());
    });
    harness.startOperator();
  }

  /** The Job once finished, or as it is once more planning pods were created than its attempts allow. */
  private Job awaitFinishedOrReplanned(String jobName, int allowedPods) {
    harness.awaitThat(Duration.ofMinutes(1), () -> {
      Job job = harness.job(jobName);
      boolean finished = job.getStatus() != null && job.getStatus().getStatus() != null
          && job.getStatus().getStatus().isFinished();
      return finished || planningPodCreations(jobName).values().stream().mapToLong(Long::longValue).sum() > allowedPods;
    });
    return harness.job(jobName);
  }

  private Map<String, Long> planningPodCreations(String jobName) {
    return harness.cluster.creations(MockCluster.OPERATOR_AGENT, "pods").entrySet().stream()
        .filter(e -> e.getKey().startsWith(jobName + "-plan"))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
  }
}
