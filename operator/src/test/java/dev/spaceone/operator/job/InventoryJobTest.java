package dev.spaceone.operator.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobState;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.operator.api.v1alpha1.TaskState;
import dev.spaceone.operator.status.Conditions;
import dev.spaceone.operator.testing.OperatorHarness;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InventoryJobTest {
  private OperatorHarness harness;

  @BeforeEach
  void start() {
    harness = new OperatorHarness(pod -> {
      String provider = pod.getMetadata().getLabels().get("spaceone.dev/provider");
      int n = switch (provider) { case "aws" -> 1; case "azure" -> 2; default -> 3; };
      return dev.spaceone.testkit.SimulatedKubelet.PluginRun.succeeds(Duration.ofMillis(300),
          "{\"created_count\":" + n + ",\"updated_count\":" + (10 * n) + ",\"deleted_count\":1}");
    });
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  void threeSecretsBecomeThreeTasksWhoseCountsAreSummed() {
    for (String provider : List.of("aws", "azure", "google")) {
      harness.client.secrets().inNamespace(OperatorHarness.NAMESPACE).resource(new SecretBuilder()
          .withNewMetadata().withName("cred-" + provider)
          .addToLabels("spaceone.dev/collect", "yes")
          .addToLabels("spaceone.dev/provider", provider)
          .addToLabels("spaceone.dev/service-account-id", "sa-" + provider)
          .endMetadata().addToStringData("key", "s3cr3t-" + provider).build()).create();
    }
    harness.client.secrets().inNamespace(OperatorHarness.NAMESPACE).resource(new SecretBuilder()
        .withNewMetadata().withName("unrelated").addToLabels("other", "x").endMetadata().build()).create();

    harness.create("""
        apiVersion: spaceone.dev/v1alpha1
        kind: Job
        metadata:
          name: inventory
        spec:
          collectorId: collector-1
          plugin:
            image: collector:1
          secretSelector:
            matchLabels:
              spaceone.dev/collect: "yes"
        """);

    Job job = harness.awaitJob("inventory", j -> j.getStatus() != null && j.getStatus().getStatus() == JobState.SUCCESS);
    assertEquals(3, job.getStatus().getTotalTasks());
    assertEquals(3, job.getStatus().getSuccessTasks());
    assertEquals(0, job.getStatus().getRemainedTasks());
    assertEquals("3/3", job.getStatus().getProgress());
    assertEquals(1 + 2 + 3, job.getStatus().getCreatedCount());
    assertEquals(10 + 20 + 30, job.getStatus().getUpdatedCount());
    assertEquals(3, job.getStatus().getDeletedCount());
    assertTrue(Conditions.isTrue(job.getStatus().getConditions(), Conditions.COMPLETE));
    assertTrue(job.getStatus().getStartedAt() != null && job.getStatus().getFinishedAt() != null);

    List<JobTask> tasks = harness.tasks("inventory");
    assertEquals(List.of("inventory-0", "inventory-1", "inventory-2"),
        tasks.stream().map(t -> t.getMetadata().getName()).toList());
    assertEquals(List.of("cred-aws", "cred-azure", "cred-google"),
        tasks.stream().map(t -> t.getSpec().getSecretRef().getName()).toList());
    assertEquals(List.of("sa-aws", "sa-azure", "sa-google"),
        tasks.stream().map(t -> t.getSpec().getServiceAccountId()).toList());
    tasks.forEach(t -> assertEquals(TaskState.SUCCESS, t.getStatus().getStatus()));
    tasks.forEach(t -> assertEquals("collector-1", t.getMetadata().getLabels().get("spaceone.dev/collector-id")));
    // Results recorded: every pod's finalizer was released.
    harness.pods("inventory").forEach(p -> assertTrue(p.getMetadata().getFinalizers() == null
        || p.getMetadata().getFinalizers().isEmpty(), p.getMetadata().getName()));
  }
}
