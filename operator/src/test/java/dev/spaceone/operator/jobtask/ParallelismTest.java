package dev.spaceone.operator.jobtask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobState;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.operator.api.v1alpha1.TaskState;
import dev.spaceone.testkit.MockCluster;
import dev.spaceone.operator.testing.OperatorHarness;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ParallelismTest {
  @RegisterExtension
  final OperatorHarness harness = new OperatorHarness(OperatorHarness::scripted);

  @Test
  void fiftyTasksWithParallelismFiveNeverRunMoreThanFivePods() {
    StringBuilder tasks = new StringBuilder();
    for (int i = 0; i < 50; i++) {
      tasks.append("    - options: {created: 1, updated: ").append(i).append(", runMs: 150}\n");
    }
    harness.create("""
        apiVersion: spaceone.dev/v1alpha1
        kind: Job
        metadata:
          name: wide
        spec:
          parallelism: 5
          plugin:
            image: collector:1
          tasks:
        %s""".formatted(tasks));

    Job job = harness.awaitJob("wide", j -> j.getStatus() != null && j.getStatus().getStatus() == JobState.SUCCESS);
    assertTrue(harness.kubelet.maxRunning("wide") <= 5, "at most 5 plugins ran at once, saw " + harness.kubelet.maxRunning("wide"));
    assertTrue(harness.kubelet.maxRunning("wide") >= 2, "tasks did run side by side: " + harness.kubelet.maxRunning("wide"));
    assertEquals(50, job.getStatus().getTotalTasks());
    assertEquals(50, job.getStatus().getSuccessTasks());
    assertEquals(50, job.getStatus().getCreatedCount());
    assertEquals(49 * 50 / 2, job.getStatus().getUpdatedCount());
    List<JobTask> all = harness.tasks("wide");
    assertEquals(50, all.size());
    all.forEach(t -> assertEquals(TaskState.SUCCESS, t.getStatus().getStatus(), t.getMetadata().getName()));
    all.forEach(t -> assertEquals(1, t.getStatus().getAttempts(), t.getMetadata().getName()));
    Map<String, Long> pods = harness.cluster.creations(MockCluster.OPERATOR_AGENT, "pods");
    assertEquals(50, pods.size());
    pods.forEach((name, count) -> assertEquals(1L, count, name));
  }
}
