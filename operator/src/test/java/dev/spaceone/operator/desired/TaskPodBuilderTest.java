package dev.spaceone.operator.desired;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spaceone.operator.testing.TestJobs;
import dev.spaceone.operator.api.Labels;
import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskPodBuilderTest {
  private static final String SECRET_VALUE = "AKIA-very-s3cret-value-42";

  private static final String JOB = """
      collectorId: collector-1
      domainId: domain-1
      taskTimeoutSeconds: 600
      plugin:
        image: registry.example/collector:1.2
        pluginId: plugin-aws
        command: ["python", "-m", "collector"]
        args: ["--verbose"]
        options:
          region: us-east-1
        env:
          - name: LOG_LEVEL
            value: debug
        resources:
          requests:
            cpu: 100m
            memory: 128Mi
          limits:
            memory: 256Mi
      tasks:
        - options:
            account: "111"
          provider: aws
          serviceAccountId: sa-1
          secretRef:
            name: cred-aws
        - options:
            account: "222"
      """;

  private static Pod podWithSecret() {
    return TaskPodBuilder.build(TestJobs.tasks(JOB).get(0), 1, PluginRunner.DEFAULT);
  }

  private static Pod podWithoutSecret() {
    return TaskPodBuilder.build(TestJobs.tasks(JOB).get(1), 1, PluginRunner.DEFAULT);
  }

  private static Container plugin(Pod pod) {
    assertEquals(1, pod.getSpec().getContainers().size());
    Container container = pod.getSpec().getContainers().get(0);
    assertEquals(TaskPodBuilder.CONTAINER, container.getName());
    return container;
  }

  private static Map<String, String> env(Pod pod) {
    return TestJobs.env(plugin(pod));
  }

  @Test
  void runsThePluginImageWithItsCommandArgsAndResources() {
    Container container = plugin(podWithSecret());
    assertEquals("registry.example/collector:1.2", container.getImage());
    assertEquals(List.of("python", "-m", "collector"), container.getCommand());
    assertEquals(List.of("--verbose"), container.getArgs());
    assertEquals(new Quantity("100m"), container.getResources().getRequests().get("cpu"));
    assertEquals(new Quantity("128Mi"), container.getResources().getRequests().get("memory"));
    assertEquals(new Quantity("256Mi"), container.getResources().getLimits().get("memory"));
    assertEquals("/dev/termination-log", container.getTerminationMessagePath());
    assertEquals("File", container.getTerminationMessagePolicy());
  }

  @Test
  void environmentNamesEveryPathAndTheIds() {
    Map<String, String> env = env(podWithSecret());
    assertEquals("/etc/spaceone/task/task.json", env.get("SPACEONE_TASK_FILE"));
    assertEquals("/etc/spaceone/secret", env.get("SPACEONE_SECRET_DIR"));
    assertEquals("/dev/termination-log", env.get("SPACEONE_RESULT_FILE"));
    assertEquals("inv", env.get("SPACEONE_JOB_ID"));
    assertEquals("inv-0", env.get("SPACEONE_JOB_TASK_ID"));
    assertEquals("debug", env.get("LOG_LEVEL"), "the plugin's own env is kept");
  }

  @Test
  void secretDirIsUnsetWithoutASecret() {
    Pod pod = podWithoutSecret();
    Map<String, String> env = env(pod);
    assertFalse(env.containsKey("SPACEONE_SECRET_DIR"), env.toString());
    assertEquals("inv-1", env.get("SPACEONE_JOB_TASK_ID"));
    assertTrue(pod.getSpec().getVolumes().stream().noneMatch(v -> v.getSecret() != null));
    assertTrue(plugin(pod).getVolumeMounts().stream().noneMatch(m -> m.getMountPath().equals("/etc/spaceone/secret")));
  }

  @Test
  void taskJsonComesFromTheAnnotationThroughTheDownwardApi() throws Exception {
    Pod pod = podWithSecret();
    Volume task = pod.getSpec().getVolumes().stream().filter(v -> v.getDownwardAPI() != null).findFirst().orElseThrow();
    assertEquals(1, task.getDownwardAPI().getItems().size());
    assertEquals("task.json", task.getDownwardAPI().getItems().get(0).getPath());
    assertEquals("metadata.annotations['spaceone.dev/task-json']",
        task.getDownwardAPI().getItems().get(0).getFieldRef().getFieldPath());
    VolumeMount mount = plugin(pod).getVolumeMounts().stream().filter(m -> m.getName().equals(task.getName()))
        .findFirst().orElseThrow();
    assertEquals("/etc/spaceone/task", mount.getMountPath());
    assertTrue(mount.getReadOnly());

    JsonNode json = Serialization.jsonMapper().readTree(pod.getMetadata().getAnnotations().get("spaceone.dev/task-json"));
    assertEquals("inv", json.path("job_id").asText());
    assertEquals(TestJobs.UID, json.path("job_uid").asText(), "the Job's uid: a re-created Job is another run");
    assertEquals("inv-0", json.path("job_task_id").asText());
    assertEquals("inventory", json.path("service").asText());
    assertEquals("us-east-1", json.path("options").path("region").asText());
    assertEquals("111", json.path("task_options").path("account").asText());
    assertEquals("collector-1", json.path("collector_id").asText());
    assertEquals("domain-1", json.path("domain_id").asText());
    assertEquals("aws", json.path("provider").asText());
    assertEquals("sa-1", json.path("service_account_id").asText());
    assertEquals("cred-aws", json.path("secret_id").asText(), "task.json names the Secret");
    assertTrue(json.has("changed"));
  }

  @Test
  void secretIsMountedReadOnlyAtTheSecretDir() {
    Pod pod = podWithSecret();
    Volume secret = pod.getSpec().getVolumes().stream().filter(v -> v.getSecret() != null).findFirst().orElseThrow();
    assertEquals("cred-aws", secret.getSecret().getSecretName());
    VolumeMount mount = plugin(pod).getVolumeMounts().stream().filter(m -> m.getName().equals(secret.getName()))
        .findFirst().orElseThrow();
    assertEquals("/etc/spaceone/secret", mount.getMountPath());
    assertTrue(mount.getReadOnly());
  }

  @Test
  void secretDataAppearsNowhereInThePod() {
    Secret secret = new SecretBuilder().withNewMetadata().withName("cred-aws").withNamespace("collect").endMetadata()
        .addToStringData("aws_secret_access_key", SECRET_VALUE)
        .addToData("token", Base64.getEncoder().encodeToString(SECRET_VALUE.getBytes(StandardCharsets.UTF_8)))
        .build();
    assertEquals("cred-aws", secret.getMetadata().getName());
    String serialized = Serialization.asJson(podWithSecret());
    assertTrue(serialized.contains("cred-aws"), "the pod names its Secret");
    assertFalse(serialized.contains(SECRET_VALUE), serialized);
    assertFalse(serialized.contains(Base64.getEncoder().encodeToString(SECRET_VALUE.getBytes(StandardCharsets.UTF_8))));
    assertFalse(serialized.contains("aws_secret_access_key"), "not even the Secret's keys");
  }

  @Test
  void containerRunsRestrictedByDefault() {
    Pod pod = podWithSecret();
    var context = plugin(pod).getSecurityContext();
    assertTrue(context.getRunAsNonRoot());
    assertFalse(context.getAllowPrivilegeEscalation());
    assertEquals(List.of("ALL"), context.getCapabilities().getDrop());
    assertEquals("RuntimeDefault", context.getSeccompProfile().getType());
    assertTrue(pod.getSpec().getSecurityContext().getRunAsNonRoot());
    assertEquals("RuntimeDefault", pod.getSpec().getSecurityContext().getSeccompProfile().getType());
    assertFalse(pod.getSpec().getAutomountServiceAccountToken());
  }

  @Test
  void pluginSecurityContextOverridesTheDefault() {
    Job job = TestJobs.job(JOB);
    job.getSpec().getPlugin().setSecurityContext(new SecurityContextBuilder().withRunAsUser(1000L)
        .withReadOnlyRootFilesystem(true).build());
    JobTask task = JobDivider.divide(job, List.of()).get(0);
    Pod pod = TaskPodBuilder.build(task, 1, PluginRunner.DEFAULT);
    var context = plugin(pod).getSecurityContext();
    assertEquals(1000L, context.getRunAsUser());
    assertTrue(context.getReadOnlyRootFilesystem());
    assertNull(context.getCapabilities(), "the override replaces the default");
  }

  @Test
  void podNeverRestartsAndCarriesTheTaskTimeout() {
    Pod pod = podWithSecret();
    assertEquals("Never", pod.getSpec().getRestartPolicy());
    assertEquals(600L, pod.getSpec().getActiveDeadlineSeconds());
    String withoutTimeout = JOB.replace("taskTimeoutSeconds: 600\n", "");
    assertNull(TestJobs.pod(withoutTimeout, PluginRunner.DEFAULT).getSpec().getActiveDeadlineSeconds());
  }

  @Test
  void podIsHeldByTheResultFinalizerAndOwnedByItsTask() {
    Pod pod = podWithSecret();
    assertEquals(List.of("spaceone.dev/result-pending"), pod.getMetadata().getFinalizers());
    assertEquals(1, pod.getMetadata().getOwnerReferences().size());
    OwnerReference owner = pod.getMetadata().getOwnerReferences().get(0);
    assertEquals("spaceone.dev/v1alpha1", owner.getApiVersion());
    assertEquals("JobTask", owner.getKind());
    assertEquals("inv-0", owner.getName());
    assertEquals("uid-inv-0", owner.getUid());
    assertTrue(owner.getController());
    assertTrue(owner.getBlockOwnerDeletion());
  }

  @Test
  void podNameIsTheTaskAndTheAttempt() {
    JobTask task = TestJobs.tasks(JOB).get(0);
    assertEquals("inv-0-1", TaskPodBuilder.build(task, 1, PluginRunner.DEFAULT).getMetadata().getName());
    assertEquals("inv-0-3", TaskPodBuilder.build(task, 3, PluginRunner.DEFAULT).getMetadata().getName());
    assertEquals("collect", TaskPodBuilder.build(task, 1, PluginRunner.DEFAULT).getMetadata().getNamespace());
    assertEquals(Serialization.asJson(TaskPodBuilder.build(task, 2, PluginRunner.DEFAULT)), Serialization.asJson(TaskPodBuilder.build(task, 2, PluginRunner.DEFAULT)),
        "the same task and attempt always give the same pod");
    assertEquals("2", TaskPodBuilder.build(task, 2, PluginRunner.DEFAULT).getMetadata().getLabels().get(Labels.ATTEMPT));
    assertEquals("inv", TaskPodBuilder.build(task, 2, PluginRunner.DEFAULT).getMetadata().getLabels().get(Labels.JOB));
  }
}
