package dev.spaceone.operator.desired;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spaceone.operator.testing.TestJobs;
import dev.spaceone.operator.api.Labels;
import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.operator.api.v1alpha1.Service;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobDividerTest {
  private static final String JOB = """
      collectorId: collector-1
      domainId: domain-1
      projectId: project-job
      taskTimeoutSeconds: 120
      backoffLimitPerTask: 2
      plugin:
        image: collector:1
      tasks:
        - options:
            region: eu
          provider: google_cloud
          serviceAccountId: sa-explicit
          changed:
            start: 2024-01
            end: 2024-02
        - projectId: project-task
          secretRef:
            name: explicit-secret
      secretSelector:
        matchLabels:
          collect: "yes"
      """;

  private static Job job() {
    return TestJobs.job(JOB);
  }

  private static ObjectMeta secret(String name, Map<String, String> labels) {
    return new ObjectMetaBuilder().withName(name).withNamespace("collect").withLabels(labels).build();
  }

  private static final List<ObjectMeta> SECRETS = List.of(
      secret("zeta", Map.of("spaceone.dev/provider", "azure", "spaceone.dev/service-account-id", "sa-z")),
      secret("alpha", Map.of("spaceone.dev/provider", "aws", "spaceone.dev/service-account-id", "sa-a",
          "spaceone.dev/project-id", "project-secret")),
      secret("mid", Map.of()));

  @Test
  void explicitTasksFirstThenSecretsSortedByName() {
    List<JobTask> tasks = JobDivider.divide(job(), SECRETS);
    assertEquals(List.of("inv-0", "inv-1", "inv-2", "inv-3", "inv-4"),
        tasks.stream().map(t -> t.getMetadata().getName()).toList());
    assertEquals(List.of(0, 1, 2, 3, 4), tasks.stream().map(t -> t.getSpec().getIndex()).toList());
    assertNull(tasks.get(0).getSpec().getSecretRef());
    assertEquals("explicit-secret", tasks.get(1).getSpec().getSecretRef().getName());
    assertEquals(List.of("alpha", "mid", "zeta"),
        tasks.subList(2, 5).stream().map(t -> t.getSpec().getSecretRef().getName()).toList());
  }

  @Test
  void theSameInputAlwaysGivesTheSameTasks() {
    List<ObjectMeta> reversed = List.of(SECRETS.get(2), SECRETS.get(1), SECRETS.get(0));
    assertEquals(Serialization.asJson(JobDivider.divide(job(), SECRETS)),
        Serialization.asJson(JobDivider.divide(job(), reversed)));
  }

  @Test
  void secretLabelsFillProviderServiceAccountAndProject() {
    List<JobTask> tasks = JobDivider.divide(job(), SECRETS);
    JobTask alpha = tasks.get(2);
    assertEquals("aws", alpha.getSpec().getProvider());
    assertEquals("sa-a", alpha.getSpec().getServiceAccountId());
    assertEquals("project-secret", alpha.getSpec().getProjectId());
    JobTask mid = tasks.get(3);
    assertNull(mid.getSpec().getProvider());
    assertNull(mid.getSpec().getServiceAccountId());
    assertEquals("project-job", mid.getSpec().getProjectId(), "the Job's project when the Secret names none");
    JobTask zeta = tasks.get(4);
    assertEquals("azure", zeta.getSpec().getProvider());
    assertEquals("sa-z", zeta.getMetadata().getLabels().get(Labels.SERVICE_ACCOUNT_ID));
    assertEquals("azure", zeta.getMetadata().getLabels().get(Labels.PROVIDER));
  }

  @Test
  void explicitTasksKeepTheirOwnFieldsAndTheJobsSettings() {
    List<JobTask> tasks = JobDivider.divide(job(), List.of());
    assertEquals(2, tasks.size());
    var first = tasks.get(0).getSpec();
    assertEquals(Map.of("region", "eu"), first.getOptions());
    assertEquals("google_cloud", first.getProvider());
    assertEquals("sa-explicit", first.getServiceAccountId());
    assertEquals("project-job", first.getProjectId());
    assertEquals("2024-01", first.getChanged().getStart());
    assertEquals("inv", first.getJobName());
    assertEquals(Service.INVENTORY, first.getService(), "inventory by default");
    assertEquals("collector:1", first.getPlugin().getImage());
    assertEquals("collector-1", first.getCollectorId());
    assertEquals("domain-1", first.getDomainId());
    assertEquals(120L, first.getTimeoutSeconds());
    assertEquals(2, first.getBackoffLimit());
    assertEquals("project-task", tasks.get(1).getSpec().getProjectId());
  }

  @Test
  void everyTaskIsControlledByItsJob() {
    for (JobTask task : JobDivider.divide(job(), SECRETS)) {
      assertEquals("collect", task.getMetadata().getNamespace());
      assertEquals(1, task.getMetadata().getOwnerReferences().size());
      OwnerReference owner = task.getMetadata().getOwnerReferences().get(0);
      assertEquals("spaceone.dev/v1alpha1", owner.getApiVersion());
      assertEquals("Job", owner.getKind());
      assertEquals("inv", owner.getName());
      assertEquals("job-uid", owner.getUid());
      assertTrue(owner.getController());
      assertTrue(owner.getBlockOwnerDeletion());
      assertEquals("inv", task.getMetadata().getLabels().get(Labels.JOB));
      assertEquals(task.getMetadata().getName(), task.getMetadata().getLabels().get(Labels.JOB_TASK));
    }
  }

  @Test
  void backoffLimitDefaultsToZero() {
    Job job = job();
    job.getSpec().setBackoffLimitPerTask(null);
    assertEquals(0, JobDivider.divide(job, List.of()).get(0).getSpec().getBackoffLimit());
  }

  @Test
  void plansOfSeveralSecretsAreConcatenatedInOrderEachTaskWithItsSecret() {
    List<JobTask> tasks = JobDivider.fromPlans(job(), List.of(
        new JobDivider.SecretPlan("s-a", List.of(new JobDivider.PlannedTask(Map.of("account", "a1"), null),
            new JobDivider.PlannedTask(Map.of("account", "a2"), null))),
        new JobDivider.SecretPlan("s-b", List.of(new JobDivider.PlannedTask(Map.of("account", "b1"), null)))), true);
    tasks.forEach(t -> assertEquals("USE_SERVICE_ACCOUNT_SECRET", t.getSpec().getSecretType()));
    assertNull(JobDivider.fromPlan(job(), "s-a", List.of(new JobDivider.PlannedTask(Map.of(), null))).get(0)
        .getSpec().getSecretType(), "one Secret: MANUAL, the runner's default");
    assertEquals(List.of(0, 1, 2), tasks.stream().map(t -> t.getSpec().getIndex()).toList());
    assertEquals(List.of("s-a", "s-a", "s-b"), tasks.stream().map(t -> t.getSpec().getSecretRef().getName()).toList());
    assertEquals(List.of("a1", "a2", "b1"), tasks.stream().map(t -> t.getSpec().getOptions().get("account")).toList());
  }

  @Test
  void planningPodNamesKeepOneSecretsSchemeApartFromSeveralSecrets() {
    assertEquals("j-plan", TaskNames.planningPod("j", TaskNames.ONE_SECRET, 1));
    assertEquals("j-plan-2", TaskNames.planningPod("j", TaskNames.ONE_SECRET, 2));
    assertEquals("j-plan-s1", TaskNames.planningPod("j", 1, 1));
    assertEquals("j-plan-s1-3", TaskNames.planningPod("j", 1, 3));
    assertEquals(3, TaskNames.planningAttemptOf("j", 1, "j-plan-s1-3"));
    assertEquals(1, TaskNames.planningAttemptOf("j", 0, "j-plan-s0"));
    assertEquals(0, TaskNames.planningAttemptOf("j", 0, "j-plan-s1"));
    assertEquals(0, TaskNames.planningAttemptOf("j", "j-plan-s0"), "not an attempt of the one Secret's planning");
    assertEquals(0, TaskNames.planningAttemptOf("j", 1, "j-plan-2"));
  }
}
