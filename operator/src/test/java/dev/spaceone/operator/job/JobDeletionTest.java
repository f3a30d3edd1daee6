package dev.spaceone.operator.job;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobState;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.operator.api.v1alpha1.TaskState;
import dev.spaceone.operator.testing.OperatorHarness;
import io.fabric8.kubernetes.api.model.Pod;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Deleting a Job removes its tasks and their pods; pods held by the result finalizer are released. */
class JobDeletionTest {
  @RegisterExtension
  final OperatorHarness harness = new OperatorHarness(OperatorHarness::scripted);

  @Test
  void deletingARunningJobRemovesItsTasksAndReleasesItsPods() {
    harness.create("""
        apiVersion: spaceone.dev/v1alpha1
        kind: Job
        metadata:
          name: doomed
        spec:
          plugin:
            image: collector:1
          tasks:
            - options: {runMs: 100, created: 1}
            - options: {runMs: 60000}
            - options: {runMs: 60000}
        """);
    harness.awaitTask("doomed-0", t -> t.getStatus() != null && t.getStatus().getStatus() == TaskState.SUCCESS);
    harness.awaitTask("doomed-1", t -> t.getStatus() != null && t.getStatus().getStatus() == TaskState.IN_PROGRESS);
    harness.awaitTask("doomed-2", t -> t.getStatus() != null && t.getStatus().getStatus() == TaskState.IN_PROGRESS);
    assertTrue(harness.pod("doomed-1-1").getMetadata().getFinalizers().contains("spaceone.dev/result-pending"));

    harness.client.resources(Job.class).inNamespace(OperatorHarness.NAMESPACE).withName("doomed").delete();

    harness.awaitThat(() -> harness.job("doomed") == null);
    harness.awaitThat(() -> harness.tasks("doomed").isEmpty());
    try {
      harness.awaitThat(() -> harness.pods("doomed").isEmpty());
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("pods left: " + harness.pods("doomed").stream().map(p -> p.getMetadata().getName()
          + " finalizers=" + p.getMetadata().getFinalizers()).toList(), e);
    }
    // The kubelet learns of the deletion from its own watch, after the API server already lists no pod.
    try {
      harness.awaitThat(() -> harness.kubelet.aliveNow() == 0);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("the running plugins were not stopped: " + harness.kubelet.aliveNow() + " alive", e);
    }
  }

  @Test
  void aFinishedJobIsDeletedAfterItsTtl() {
    harness.create("""
        apiVersion: spaceone.dev/v1alpha1
        kind: Job
        metadata:
          name: short-lived
        spec:
          ttlSecondsAfterFinished: 1
          plugin:
            image: collector:1
          tasks:
            - options: {runMs: 50, created: 1}
        """);
    harness.awaitJob("short-lived", j -> j.getStatus() != null && j.getStatus().getStatus() == JobState.SUCCESS);
    harness.awaitThat(() -> harness.job("short-lived") == null);
    harness.awaitThat(() -> harness.tasks("short-lived").isEmpty() && harness.pods("short-lived").isEmpty());
    JobTask none = harness.task("short-lived-0");
    Pod noPod = harness.pod("short-lived-0-1");
    assertTrue(none == null && noPod == null);
  }
}
