package dev.spaceone.operator.jobtask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobState;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.operator.testing.OperatorHarness;
import dev.spaceone.testkit.MockCluster;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Job deleted and created again under the same name gets JobTasks of the same names while a pod of the
 * earlier task may still exist (another controller's finalizer, a slow garbage collector). Pods are matched to
 * their task by the controlling ownerReference's uid, as Kubernetes' controllers do, so the new task never takes
 * the earlier pod's result as its own.
 */
class ReCreatedTaskTest {
  /** Another controller's finalizer (a log shipper's, say) that keeps the earlier pod after its task is gone. */
  private static final String OTHER_FINALIZER = "example.com/ship-logs";
  private OperatorHarness harness;

  @BeforeEach
  void start() {
    harness = new OperatorHarness(OperatorHarness::scripted);
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  void aTaskCreatedAgainDoesNotAdoptThePodOfItsEarlierSelf() {
    harness.create(job(3));
    Job first = harness.awaitJob("reborn", j -> j.getStatus() != null && j.getStatus().getStatus() == JobState.SUCCESS);
    assertEquals(3, first.getStatus().getCreatedCount());
    harness.awaitThat(() -> !PodFinalizers.holds(harness.pod("reborn-0-1")));
    Pod earlier = harness.client.pods().inNamespace(OperatorHarness.NAMESPACE).withName("reborn-0-1")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"finalizers\":[\"" + OTHER_FINALIZER + "\"]}}");

    harness.client.resource(first).delete();
    harness.awaitThat(() -> harness.job("reborn") == null && harness.task("reborn-0") == null);
    harness.awaitThat(() -> harness.pod("reborn-0-1").getMetadata().getDeletionTimestamp() != null);
    long requestsBefore = harness.cluster.requests().size();

    harness.create(job(7));
    // The new task either takes the earlier pod's result (the hazard: SUCCESS with 3 at once) or waits for that
    // pod to go, trying to create its own pod of the same name (409) meanwhile.
    harness.awaitThat(() -> finished(harness.job("reborn")) || harness.cluster.requests().stream()
        .skip(requestsBefore).anyMatch(r -> r.agent().equals(MockCluster.OPERATOR_AGENT)
            && r.method().equals("POST") && r.path().endsWith("/pods") && r.code() == 409));
    Job meanwhile = harness.job("reborn");
    assertFalse(finished(meanwhile), () -> "the new task took the earlier pod's result: "
        + meanwhile.getStatus().getStatus() + ", created " + meanwhile.getStatus().getCreatedCount());

    // The other controller lets the earlier pod go: the new task's own pod runs.
    harness.client.pods().inNamespace(OperatorHarness.NAMESPACE).withName("reborn-0-1")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"finalizers\":null}}");
    Job second = harness.awaitJob("reborn", ReCreatedTaskTest::finished);
    assertEquals(JobState.SUCCESS, second.getStatus().getStatus());
    assertEquals(7, second.getStatus().getCreatedCount());
    JobTask task = harness.task("reborn-0");
    Pod own = harness.pod("reborn-0-1");
    assertNotEquals(earlier.getMetadata().getUid(), own.getMetadata().getUid());
    assertEquals(task.getMetadata().getUid(), own.getMetadata().getOwnerReferences().get(0).getUid());
    assertEquals(2, harness.kubelet.runs().stream().filter(r -> r.pod().equals("reborn-0-1")).count(),
        harness.kubelet.runs().toString());
  }

  private static boolean finished(Job job) {
    return job != null && job.getStatus() != null && Set.of(JobState.SUCCESS, JobState.FAILURE, JobState.TIMEOUT,
        JobState.CANCELED).contains(job.getStatus().getStatus());
  }

  private static String job(int created) {
    return """
        apiVersion: spaceone.dev/v1alpha1
        kind: Job
        metadata:
          name: reborn
        spec:
          plugin:
            image: collector:1
          tasks:
            - options: {created: %d, runMs: 100}
        """.formatted(created);
  }
}
