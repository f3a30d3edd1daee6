package dev.spaceone.operator.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobState;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.operator.api.v1alpha1.JobTaskStatus;
import dev.spaceone.operator.api.v1alpha1.TaskState;
import dev.spaceone.operator.testing.OperatorHarness;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Job deleted and created again under the same name does not adopt the tasks of the first, still being
 * garbage-collected: it waits for them to go, then runs its own.
 */
class RecreatedJobTest {
  @RegisterExtension
  final OperatorHarness harness = new OperatorHarness(OperatorHarness::scripted);

  @Test
  void theTasksOfAnEarlierJobOfTheSameNameAreNotAdopted() {
    // A finished task of an earlier "again" Job (another uid), which the garbage collector has not removed yet.
    JobTask leftover = Serialization.unmarshal("""
        apiVersion: spaceone.dev/v1alpha1
        kind: JobTask
        metadata:
          name: again-0
          labels: {spaceone.dev/job: again, app.kubernetes.io/managed-by: spaceone-job-operator}
          ownerReferences:
            - {apiVersion: spaceone.dev/v1alpha1, kind: Job, name: again, uid: earlier-uid, controller: true}
        spec: {jobName: again, index: 0, service: inventory, plugin: {image: collector:1}}
        """, JobTask.class);
    leftover.getMetadata().setNamespace(OperatorHarness.NAMESPACE);
    leftover = harness.client.resource(leftover).create();
    JobTaskStatus done = new JobTaskStatus();
    done.setStatus(TaskState.SUCCESS);
    done.setCreatedCount(99);
    leftover.setStatus(done);
    harness.client.resource(leftover).updateStatus();

    harness.create("""
        apiVersion: spaceone.dev/v1alpha1
        kind: Job
        metadata:
          name: again
        spec:
          plugin:
            image: collector:1
          tasks:
            - options: {created: 3, runMs: 50}
        """);
    // While the earlier task is there, the Job neither adopts it nor finishes.
    Awaitility.await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
        .until(() -> harness.job("again").getStatus() == null);

    harness.client.resource(leftover).delete();
    Job job = harness.awaitJob("again", j -> j.getStatus() != null && j.getStatus().getStatus() == JobState.SUCCESS);
    assertEquals(3, job.getStatus().getCreatedCount(), "its own task's counts, not the earlier task's 99");
    JobTask own = harness.task("again-0");
    assertEquals(job.getMetadata().getUid(), own.getMetadata().getOwnerReferences().get(0).getUid());
    assertNull(harness.client.resources(JobTask.class).inNamespace(OperatorHarness.NAMESPACE).list().getItems()
        .stream().filter(t -> t.getMetadata().getOwnerReferences().get(0).getUid().equals("earlier-uid"))
        .findFirst().orElse(null));
  }
}
