package dev.spaceone.e2e;

import static dev.spaceone.e2e.SpaceOneCluster.assertCounts;
import static dev.spaceone.e2e.SpaceOneCluster.awaitFinished;
import static dev.spaceone.e2e.SpaceOneCluster.awaitThat;
import static dev.spaceone.e2e.SpaceOneCluster.example;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.operator.desired.TaskPodBuilder;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator, configured as in production (leader election on), runs the inventory, cost-analysis and
 * power-scheduler examples on a real apiserver to the results their comments promise; the plugin is the
 * examples' real script, run locally by the kubelet stand-in. Deleting a Job removes its tasks and pods
 * through kube-controller-manager's garbage collector.
 */
@ExtendWith({ControlPlaneExtension.class, OperatorExtension.class})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatorE2ETest {
  static final String INVENTORY = "inventory-aws";
  static final String COST = "cost-analysis-2024-q1";
  static final String POWER = "power-scheduler-nightly-stop";

  private static String ns;
  private final ControlPlane plane;
  private final RunningOperator operator;
  private final KubernetesClient client;

  OperatorE2ETest(ControlPlane plane, RunningOperator operator) {
    this.plane = plane;
    this.operator = operator;
    this.client = plane.client();
  }

  @BeforeAll
  static void applyExamples(ControlPlane plane, RunningOperator operator) {
    ns = SpaceOneCluster.createNamespace(plane, "operator");
    SpaceOneCluster.apply(plane, ns, example("inventory/secrets.yaml"), example("inventory/job.yaml"),
        example("cost-analysis/job.yaml"), example("power-scheduler/job.yaml"));
  }

  @AfterAll
  static void cleanUp(ControlPlane plane) {
    SpaceOneCluster.deleteNamespace(plane, ns);
  }

  @Test
  @Order(1)
  void operatorLeadsThroughItsLease() {
    Lease lease = operator.lease();
    assertNotNull(lease, "the Lease " + operator.leaseNamespace + "/spaceone-job-operator");
    assertFalse(lease.getSpec().getHolderIdentity().isBlank());
    assertNotNull(lease.getSpec().getRenewTime());
    // It keeps renewing: the renew time moves on while the tests run.
    ZonedDateTime first = lease.getSpec().getRenewTime();
    awaitThat("the operator to renew its Lease", Duration.ofSeconds(30),
        () -> operator.lease().getSpec().getRenewTime().isAfter(first));
  }

  @Test
  @Order(2)
  void inventoryExampleSucceedsWithOneTaskPerSecret() {
    Job job = awaitFinished(client, ns, INVENTORY);
    assertEquals("SUCCESS", job.getStatus().getStatus().toString(), SpaceOneCluster.describe(client, ns, INVENTORY));
    assertEquals(List.of(3, 3, 0, 0), List.of(job.getStatus().getTotalTasks(), job.getStatus().getSuccessTasks(),
        job.getStatus().getFailureTasks(), job.getStatus().getRemainedTasks()));
    assertEquals("3/3", job.getStatus().getProgress());
    assertCounts(job, 12, 6, 0, 0, 18);
    assertEquals(0, job.getStatus().getDeletedCount());
    assertEquals(0, job.getStatus().getDisconnectedCount());
    assertCondition(job, "Complete", "True");
    assertCondition(job, "Failed", "False");

    List<JobTask> tasks = SpaceOneCluster.tasks(client, ns, INVENTORY);
    assertEquals(3, tasks.size());
    Map<String, String> accountBySecret = Map.of("aws-dev-account", "sa-0a1b2c3d4e5f",
        "aws-staging-account", "sa-1b2c3d4e5f6a", "aws-prod-account", "sa-2c3d4e5f6a7b");
    assertEquals(accountBySecret.keySet(), tasks.stream().map(t -> t.getSpec().getSecretRef().getName())
        .collect(Collectors.toSet()));
    for (JobTask task : tasks) {
      assertEquals("SUCCESS", task.getStatus().getStatus().toString());
      assertEquals(List.of(4L, 2L, 6L), List.of(task.getStatus().getCreatedCount(), task.getStatus().getUpdatedCount(),
          task.getStatus().getTotalCount()));
      assertEquals("aws", task.getSpec().getProvider());
      assertEquals(accountBySecret.get(task.getSpec().getSecretRef().getName()), task.getSpec().getServiceAccountId());
      assertControlledBy(task.getMetadata().getOwnerReferences(), "Job", INVENTORY);

      // The real script ran with the task's Secret mounted: it listed the file names, never the contents.
      Pod pod = client.pods().inNamespace(ns).withName(task.getStatus().getPodName()).get();
      assertNotNull(pod, "pod " + task.getStatus().getPodName());
      assertControlledBy(pod.getMetadata().getOwnerReferences(), "JobTask", task.getMetadata().getName());
      ScriptPlugin.Run run = operator.plugin.run(ns, pod.getMetadata().getName());
      assertNotNull(run, "the plugin of " + pod.getMetadata().getName() + " ran");
      assertEquals(0, run.exitCode(), run.output());
      assertTrue(run.output().contains("task " + task.getMetadata().getName() + " of job " + INVENTORY), run.output());
      assertTrue(run.output().contains("secret files: aws_access_key_id aws_secret_access_key region_name"),
          run.output());
      assertFalse(run.output().contains("fake-") || run.output().contains("AKIAFAKE"), run.output());
      assertEquals("Succeeded", pod.getStatus().getPhase());
    }
  }

  @Test
  @Order(3)
  void costAnalysisExampleSucceeds() {
    Job job = awaitFinished(client, ns, COST);
    assertEquals("SUCCESS", job.getStatus().getStatus().toString(), SpaceOneCluster.describe(client, ns, COST));
    assertEquals(List.of(3, 3, 0), List.of(job.getStatus().getTotalTasks(), job.getStatus().getSuccessTasks(),
        job.getStatus().getFailureTasks()));
    assertCounts(job, 345, 5, 0, 0, 350);
    assertCondition(job, "Complete", "True");
    List<JobTask> tasks = SpaceOneCluster.tasks(client, ns, COST);
    assertEquals(List.of(120L, 95L, 130L), tasks.stream().map(t -> t.getStatus().getCreatedCount()).toList());
    assertEquals(List.of("2024-01", "2024-02", "2024-03"),
        tasks.stream().map(t -> t.getSpec().getChanged().getStart()).toList());
  }

  @Test
  @Order(4)
  void powerSchedulerExampleFailsWithItsCountsKept() {
    Job job = awaitFinished(client, ns, POWER);
    assertEquals("FAILURE", job.getStatus().getStatus().toString(), SpaceOneCluster.describe(client, ns, POWER));
    assertEquals(List.of(3, 2, 1), List.of(job.getStatus().getTotalTasks(), job.getStatus().getSuccessTasks(),
        job.getStatus().getFailureTasks()));
    assertCounts(job, 0, 0, 1, 12, 13);
    assertCondition(job, "Failed", "True");
    assertCondition(job, "Complete", "False");
    List<JobTask> tasks = SpaceOneCluster.tasks(client, ns, POWER);
    assertEquals(List.of("SUCCESS", "FAILURE", "SUCCESS"),
        tasks.stream().map(t -> t.getStatus().getStatus().toString()).toList());
    JobTask failed = tasks.get(1);
    assertEquals(List.of(3L, 1L, 4L), List.of(failed.getStatus().getSuccessCount(), failed.getStatus().getFailureCount(),
        failed.getStatus().getTotalCount()));
    assertTrue(failed.getStatus().getErrors().stream().anyMatch(e -> "ERROR_SAMPLE_FAILURE".equals(e.getErrorCode())),
        "the plugin's error is kept: " + failed.getStatus().getErrors());
  }

  /** Once results are recorded the operator releases the pods' result finalizer. */
  @Test
  @Order(5)
  void finishedPodsNoLongerHoldTheResultFinalizer() {
    for (String job : List.of(INVENTORY, COST, POWER)) {
      awaitFinished(client, ns, job);
      awaitThat("the pods of " + job + " to lose " + TaskPodBuilder.RESULT_FINALIZER, SpaceOneCluster.TIMEOUT,
          () -> {
            List<Pod> pods = SpaceOneCluster.pods(client, ns, job);
            return pods.size() == 3 && pods.stream().noneMatch(p -> p.getMetadata().getFinalizers()
                .contains(TaskPodBuilder.RESULT_FINALIZER));
          });
    }
  }

  /**
   * The operator's client neither reads nor sends managedFields; its writes keep the API server's record of them:
   * each task shows the entry of its creation and of its status writes.
   */
  @Test
  @Order(5)
  void theOperatorsWritesKeepManagedFields() {
    awaitFinished(client, ns, INVENTORY);
    for (JobTask task : client.resources(JobTask.class).inNamespace(ns).list().getItems()) {
      List<ManagedFieldsEntry> entries = task.getMetadata().getManagedFields();
      assertTrue(entries.stream().anyMatch(e -> e.getSubresource() == null || e.getSubresource().isEmpty()),
          task.getMetadata().getName() + " lost the entry of its creation: " + entries);
      assertTrue(entries.stream().anyMatch(e -> "status".equals(e.getSubresource())),
          task.getMetadata().getName() + " has no entry of its status writes: " + entries);
    }
  }

  /** kube-controller-manager's garbage collector deletes the JobTasks (owned by the Job) and their pods. */
  @Test
  @Order(6)
  void deletingAJobRemovesItsTasksAndPodsThroughTheGarbageCollector() {
    awaitFinished(client, ns, COST);
    List<JobTask> tasks = SpaceOneCluster.tasks(client, ns, COST);
    List<Pod> pods = SpaceOneCluster.pods(client, ns, COST);
    assertEquals(3, tasks.size());
    assertEquals(3, pods.size());
    long started = System.nanoTime();
    plane.runKubectl("delete", "sjob", COST, "-n", ns, "--wait=false").assertSuccess();
    awaitThat("the Job, its JobTasks and pods to be gone", SpaceOneCluster.TIMEOUT,
        () -> SpaceOneCluster.job(client, ns, COST) == null && SpaceOneCluster.tasks(client, ns, COST).isEmpty()
            && SpaceOneCluster.pods(client, ns, COST).isEmpty());
    System.err.println("[e2e] garbage collector removed " + COST + "'s tasks and pods in "
        + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms");
    for (JobTask task : tasks) {
      assertNull(client.resources(JobTask.class).inNamespace(ns).withName(task.getMetadata().getName()).get());
    }
    // The other Jobs are untouched.
    assertEquals(3, SpaceOneCluster.tasks(client, ns, INVENTORY).size());
    assertEquals(3, SpaceOneCluster.pods(client, ns, POWER).size());
  }

  static void assertCondition(Job job, String type, String status) {
    Condition condition = job.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst()
        .orElse(null);
    String actual = condition == null ? null : condition.getStatus();
    if (status.equals("False") && condition == null) {
      return; // an absent condition is False
    }
    assertEquals(status, actual, "condition " + type + " of " + job.getStatus().getConditions());
  }

  static void assertControlledBy(List<OwnerReference> owners, String kind, String name) {
    assertTrue(owners.stream().anyMatch(o -> kind.equals(o.getKind()) && name.equals(o.getName())
        && Boolean.TRUE.equals(o.getController())), "controller " + kind + "/" + name + " in " + owners);
  }
}
