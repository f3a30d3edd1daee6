package dev.spaceone.operator.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobState;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.operator.api.v1alpha1.TaskState;
import dev.spaceone.testkit.MockCluster;
import dev.spaceone.operator.testing.OperatorHarness;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An operator restart mid-job creates nothing twice and loses or doubles no count. */
class RestartSafetyTest {
  @RegisterExtension
  final OperatorHarness harness = new OperatorHarness(OperatorHarness::scripted);

  private static boolean is(JobTask task, TaskState state) {
    return task.getStatus() != null && task.getStatus().getStatus() == state;
  }

  @Test
  void aRestartMidJobCreatesNoTaskOrPodTwice() {
    harness.create("""
        apiVersion: spaceone.dev/v1alpha1
        kind: Job
        metadata:
          name: restart
        spec:
          parallelism: 3
          plugin:
            image: collector:1
          tasks:
            - options: {runMs: 100, created: 1}
            - options: {runMs: 100, created: 2}
            - options: {runMs: 100, created: 4}
            - options: {runMs: 4000, created: 8}
            - options: {runMs: 4000, created: 16}
            - options: {runMs: 4000, created: 32}
            - options: {runMs: 100, created: 64}
        """);
    for (int i = 0; i < 3; i++) {
      harness.awaitTask("restart-" + i, t -> is(t, TaskState.SUCCESS));
    }
    // IN_PROGRESS once a pod has run 2 s (JobTaskReconciler.IN_PROGRESS_AFTER): these run 4 s.
    for (int i = 3; i < 6; i++) {
      harness.awaitTask("restart-" + i, t -> is(t, TaskState.IN_PROGRESS));
    }
    harness.stopOperator();
    // While it is down the running plugins finish; their results wait in the pods, held by the finalizer.
    harness.awaitThat(() -> harness.pods("restart").stream().filter(p -> p.getMetadata().getName().matches("restart-[345]-1"))
        .allMatch(p -> "Succeeded".equals(p.getStatus().getPhase())));
    assertTrue(harness.pods("restart").stream().filter(p -> p.getMetadata().getName().matches("restart-[345]-1"))
        .allMatch(p -> p.getMetadata().getFinalizers().contains("spaceone.dev/result-pending")));
    assertEquals(JobState.IN_PROGRESS, harness.job("restart").getStatus().getStatus());

    harness.startOperator();

    Job job = harness.awaitJob("restart", j -> j.getStatus() != null && j.getStatus().getStatus() == JobState.SUCCESS);
    assertEquals(127, job.getStatus().getCreatedCount(), "every task counted exactly once");
    assertEquals(7, job.getStatus().getSuccessTasks());
    for (JobTask task : harness.tasks("restart")) {
      assertEquals(1, task.getStatus().getAttempts(), task.getMetadata().getName());
      assertEquals(1L << task.getSpec().getIndex(), task.getStatus().getCreatedCount(), task.getMetadata().getName());
    }

    // The request log: every task and every pod was POSTed once, by either operator.
    Map<String, Long> taskPosts = harness.cluster.posts(MockCluster.OPERATOR_AGENT, "jobtasks");
    assertEquals(7, taskPosts.size(), taskPosts.toString());
    taskPosts.forEach((name, count) -> assertEquals(1L, count, "JobTask " + name + " POSTed " + count + " times"));
    Map<String, Long> podPosts = harness.cluster.posts(MockCluster.OPERATOR_AGENT, "pods");
    assertEquals(7, podPosts.size(), podPosts.toString());
    podPosts.forEach((name, count) -> assertEquals(1L, count, "pod " + name + " POSTed " + count + " times"));
    assertEquals(List.of("restart-0-1", "restart-1-1", "restart-2-1", "restart-3-1", "restart-4-1", "restart-5-1",
        "restart-6-1"), List.copyOf(podPosts.keySet()));
    // The results read after the restart released their pods.
    harness.awaitThat(() -> harness.pods("restart").stream().map(Pod::getMetadata)
        .allMatch(m -> m.getFinalizers() == null || m.getFinalizers().isEmpty()));
  }

  @Test
  void aPodDeletedAfterItFinishedButBeforeItsResultWasReadStillCounts() {
    harness.create("""
        apiVersion: spaceone.dev/v1alpha1
        kind: Job
        metadata:
          name: unread
        spec:
          plugin:
            image: collector:1
          tasks:
            - options: {runMs: 3500, created: 9, updated: 3}
        """);
    harness.awaitTask("unread-0", t -> is(t, TaskState.IN_PROGRESS));
    harness.stopOperator();
    harness.awaitThat(() -> "Succeeded".equals(harness.pod("unread-0-1").getStatus().getPhase()));
    harness.client.pods().inNamespace(OperatorHarness.NAMESPACE).withName("unread-0-1").delete();
    Pod held = harness.pod("unread-0-1");
    assertTrue(held != null && held.getMetadata().getDeletionTimestamp() != null, "the finalizer holds the pod");

    harness.startOperator();

    JobTask task = harness.awaitTask("unread-0", t -> is(t, TaskState.SUCCESS));
    assertEquals(9, task.getStatus().getCreatedCount());
    assertEquals(3, task.getStatus().getUpdatedCount());
    harness.awaitThat(() -> harness.pod("unread-0-1") == null);
    Job job = harness.awaitJob("unread", j -> j.getStatus().getStatus() == JobState.SUCCESS);
    assertEquals(9, job.getStatus().getCreatedCount());
    assertEquals(Map.of("unread-0-1", 1L), harness.cluster.posts(MockCluster.OPERATOR_AGENT, "pods"),
        "no new attempt");
  }
}
