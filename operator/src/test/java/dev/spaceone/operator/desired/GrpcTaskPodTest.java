package dev.spaceone.operator.desired;

import static dev.spaceone.operator.testing.TestJobs.env;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spaceone.operator.testing.TestJobs;
import dev.spaceone.operator.api.Labels;
import dev.spaceone.operator.api.v1alpha1.Job;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The pod shape of {@code plugin.protocol: grpc}: the plugin as a native sidecar, our runner as the main container. */
class GrpcTaskPodTest {
  static final PluginRunner RUNNER = new PluginRunner("registry.example/spaceone-job-operator:0.1.0",
      List.of("java", "-jar", "/opt/spaceone/plugin-runner.jar"));

  static final String JOB = """
      collectorId: collector-1
      domainId: domain-1
      taskTimeoutSeconds: 600
      plugin:
        image: cloudforet/plugin-aws-cloud-service-inven-collector:2.0
        protocol: grpc
        port: 50052
        options:
          region: us-east-1
        env:
          - name: SPACEONE_PORT
            value: "50052"
        resources:
          limits:
            memory: 512Mi
      sink:
        type: postgres
        secretRef:
          name: resource-store
      tasks:
        - options:
            account: "111"
          provider: aws
          secretRef:
            name: cred-aws
      """;

  static Pod pod(String spec) {
    return TestJobs.pod(spec, RUNNER);
  }

  @Test
  void thePluginIsANativeSidecarStartedOnceItsPortAnswers() {
    Pod pod = pod(JOB);
    assertEquals(1, pod.getSpec().getInitContainers().size());
    Container plugin = pod.getSpec().getInitContainers().get(0);
    assertEquals("plugin", plugin.getName());
    assertEquals("cloudforet/plugin-aws-cloud-service-inven-collector:2.0", plugin.getImage());
    assertEquals("Always", plugin.getRestartPolicy(), "a native sidecar: the pod ends when the runner does");
    assertNull(plugin.getCommand(), "the image's own entrypoint");
    assertEquals(50052, plugin.getStartupProbe().getTcpSocket().getPort().getIntVal());
    assertEquals(50052, plugin.getPorts().get(0).getContainerPort());
    assertEquals(new Quantity("512Mi"), plugin.getResources().getLimits().get("memory"));
    assertEquals(Map.of("SPACEONE_PORT", "50052"), env(plugin), "the plugin gets only its own env");
    assertTrue(plugin.getVolumeMounts() == null || plugin.getVolumeMounts().isEmpty(),
        "neither task.json nor the Secret: secret_data reaches the plugin over loopback only");
    assertEquals("Never", pod.getSpec().getRestartPolicy());
  }

  /**
   * SpaceONE's images ignore SIGTERM (Python as PID 1): the sidecar, stopped once the runner exited, or a deleted
   * pod, is killed after the operator's short grace period instead of Kubernetes' 30 s.
   */
  @Test
  void grpcPodsHaveTheShortGracePeriodOfTheSettings() {
    assertEquals(PluginRunner.DEFAULT_POD_GRACE_SECONDS, pod(JOB).getSpec().getTerminationGracePeriodSeconds());
    assertEquals(2L, TestJobs.pod(JOB, RUNNER.withPodGraceSeconds(2)).getSpec().getTerminationGracePeriodSeconds());
    assertNull(pod(FILE_JOB).getSpec().getTerminationGracePeriodSeconds(),
        "a file plugin is the main container: Kubernetes' default grace period");
  }

  @Test
  void theRunnerIsTheMainContainerWithTheContractsEnvironment() {
    Pod pod = pod(JOB);
    assertEquals(1, pod.getSpec().getContainers().size());
    Container runner = pod.getSpec().getContainers().get(0);
    assertEquals("runner", runner.getName());
    assertEquals("runner", TaskPodBuilder.resultContainer(pod));
    assertEquals(RUNNER.image(), runner.getImage());
    assertEquals(RUNNER.command(), runner.getCommand());
    assertEquals(List.of("collect"), runner.getArgs());
    assertEquals("/dev/termination-log", runner.getTerminationMessagePath());
    assertEquals("File", runner.getTerminationMessagePolicy());
    Map<String, String> env = env(runner);
    assertEquals("127.0.0.1:50052", env.get("SPACEONE_PLUGIN_ENDPOINT"));
    assertEquals("600", env.get("SPACEONE_TASK_TIMEOUT_SECONDS"));
    assertEquals("/etc/spaceone/sink", env.get("SPACEONE_SINK_DIR"));
    assertEquals("/etc/spaceone/task/task.json", env.get("SPACEONE_TASK_FILE"));
    assertEquals("/etc/spaceone/secret", env.get("SPACEONE_SECRET_DIR"));
    assertEquals("/dev/termination-log", env.get("SPACEONE_RESULT_FILE"));
    assertEquals("inv", env.get("SPACEONE_JOB_ID"));
    assertEquals("inv-0", env.get("SPACEONE_JOB_TASK_ID"));
    assertFalse(env.containsKey("SPACEONE_PORT"), "plugin.env is the plugin's, not the runner's");
  }

  @Test
  void theSecretAndTheSinkSecretAreMountedReadOnlyIntoTheRunner() {
    Pod pod = pod(JOB);
    Map<String, String> secrets = pod.getSpec().getVolumes().stream().filter(v -> v.getSecret() != null)
        .collect(Collectors.toMap(v -> v.getName(), v -> v.getSecret().getSecretName()));
    assertEquals(Map.of("secret", "cred-aws", "sink", "resource-store"), secrets);
    Map<String, VolumeMount> mounts = pod.getSpec().getContainers().get(0).getVolumeMounts().stream()
        .collect(Collectors.toMap(VolumeMount::getName, m -> m));
    assertEquals("/etc/spaceone/sink", mounts.get("sink").getMountPath());
    assertTrue(mounts.get("sink").getReadOnly());
    assertEquals("/etc/spaceone/secret", mounts.get("secret").getMountPath());
    assertTrue(mounts.get("secret").getReadOnly());
  }

  @Test
  void withoutAPostgresSinkNothingIsMountedForIt() {
    String yaml = JOB.replace("  type: postgres\n  secretRef:\n    name: resource-store\n", "  type: log\n");
    assertFalse(yaml.contains("resource-store"), yaml);
    Pod pod = pod(yaml);
    assertTrue(pod.getSpec().getVolumes().stream().noneMatch(v -> v.getName().equals("sink")));
    assertFalse(env(pod.getSpec().getContainers().get(0)).containsKey("SPACEONE_SINK_DIR"));
  }

  @Test
  void bothContainersRunRestricted() {
    Pod pod = pod(JOB);
    for (Container container : List.of(pod.getSpec().getInitContainers().get(0), pod.getSpec().getContainers().get(0))) {
      assertTrue(container.getSecurityContext().getRunAsNonRoot(), container.getName());
      assertFalse(container.getSecurityContext().getAllowPrivilegeEscalation(), container.getName());
      assertEquals(List.of("ALL"), container.getSecurityContext().getCapabilities().getDrop(), container.getName());
      assertEquals("RuntimeDefault", container.getSecurityContext().getSeccompProfile().getType(), container.getName());
    }
    assertFalse(pod.getSpec().getAutomountServiceAccountToken());
    assertEquals(600L, pod.getSpec().getActiveDeadlineSeconds());
  }

  @Test
  void taskJsonSaysGrpcAndTheSink() throws Exception {
    Pod pod = pod(JOB);
    JsonNode json = Serialization.jsonMapper().readTree(pod.getMetadata().getAnnotations().get("spaceone.dev/task-json"));
    assertEquals("grpc", json.path("protocol").asText());
    assertEquals("postgres", json.path("sink").asText());
    assertEquals("collector-1", json.path("collector_id").asText());
    assertEquals("cred-aws", json.path("secret_id").asText());
    assertEquals("aws", json.path("provider").asText());
    assertEquals("domain-1", json.path("domain_id").asText());
    assertEquals("111", json.path("task_options").path("account").asText());
  }

  @Test
  void theDefaultPortIs50051() {
    Pod pod = pod(JOB.replace("  port: 50052\n", ""));
    assertEquals(50051, pod.getSpec().getInitContainers().get(0).getStartupProbe().getTcpSocket().getPort().getIntVal());
    assertEquals("127.0.0.1:50051", env(pod.getSpec().getContainers().get(0)).get("SPACEONE_PLUGIN_ENDPOINT"));
  }

  @Test
  void thePlanningPodHasTheSameShapeRunsPlanAndIsOwnedByTheJob() throws Exception {
    String yaml = JOB.substring(0, JOB.indexOf("\ntasks:") + 1).replace("collectorId: collector-1",
        "service: cost-analysis\ndataSourceId: ds-1") + "plan:\n  start: '2024-01'\n"
        + "  lastSynchronizedAt: '2024-03-01T00:00:00Z'\n";
    Job job = TestJobs.job(yaml);
    assertTrue(job.getSpec().isPluginDivided(), yaml);
    Pod pod = TaskPodBuilder.buildPlanning(job, JobDivider.planning(job, "cost-secret"), RUNNER);
    assertEquals("inv-plan", pod.getMetadata().getName());
    assertEquals(List.of("spaceone.dev/plan-pending"), pod.getMetadata().getFinalizers());
    assertEquals("Job", pod.getMetadata().getOwnerReferences().get(0).getKind());
    assertEquals("job-uid", pod.getMetadata().getOwnerReferences().get(0).getUid());
    assertEquals("planning", pod.getMetadata().getLabels().get(Labels.ROLE));
    assertEquals("inv", pod.getMetadata().getLabels().get(Labels.JOB));
    assertFalse(pod.getMetadata().getLabels().containsKey(Labels.JOB_TASK), "not a task's pod");
    Container runner = pod.getSpec().getContainers().get(0);
    assertEquals(List.of("plan"), runner.getArgs());
    assertEquals("", env(runner).get("SPACEONE_JOB_TASK_ID"));
    assertEquals("Always", pod.getSpec().getInitContainers().get(0).getRestartPolicy());
    assertEquals(PluginRunner.DEFAULT_POD_GRACE_SECONDS, pod.getSpec().getTerminationGracePeriodSeconds());
    assertEquals("cost-secret", pod.getSpec().getVolumes().stream().filter(v -> v.getSecret() != null
        && v.getName().equals("secret")).findFirst().orElseThrow().getSecret().getSecretName());
    JsonNode json = Serialization.jsonMapper().readTree(pod.getMetadata().getAnnotations().get("spaceone.dev/task-json"));
    assertEquals("", json.path("job_task_id").asText());
    assertEquals("2024-01", json.path("start").asText());
    assertEquals("2024-03-01T00:00:00Z", json.path("last_synchronized_at").asText());
    assertEquals("cost-analysis", json.path("service").asText());
    assertEquals("grpc", json.path("protocol").asText());
    assertTrue(json.path("secret_type").isMissingNode(), "one Secret: the runner's default, MANUAL");
    Pod several = TaskPodBuilder.buildPlanning(job, JobDivider.planning(job, "cost-secret", true), RUNNER,
        TaskNames.planningPod("inv", 0, 1));
    assertEquals("inv-plan-s0", several.getMetadata().getName());
    assertEquals("USE_SERVICE_ACCOUNT_SECRET", Serialization.jsonMapper().readTree(several.getMetadata()
        .getAnnotations().get("spaceone.dev/task-json")).path("secret_type").asText());
  }

  @Test
  void theFileProtocolKeepsItsOneContainer() {
    Pod pod = pod(FILE_JOB);
    assertTrue(pod.getSpec().getInitContainers().isEmpty());
    assertEquals("plugin", pod.getSpec().getContainers().get(0).getName());
    assertEquals("plugin", TaskPodBuilder.resultContainer(pod));
    assertFalse(pod.getMetadata().getAnnotations().get("spaceone.dev/task-json").contains("\"protocol\""));
  }

  @Test
  void thePluginPortPolicyDeniesEveryIngressToTheOperatorsPods() {
    NetworkPolicy policy = PluginPortPolicy.desired("collect");
    assertEquals("collect", policy.getMetadata().getNamespace());
    assertEquals(Map.of(Labels.MANAGED_BY, Labels.OPERATOR), policy.getSpec().getPodSelector().getMatchLabels());
    assertEquals(List.of("Ingress"), policy.getSpec().getPolicyTypes());
    assertTrue(policy.getSpec().getIngress() == null || policy.getSpec().getIngress().isEmpty(),
        "no ingress rule: nothing may connect");
    // Task and planning pods carry the label it selects.
    assertEquals(Labels.OPERATOR, pod(JOB).getMetadata().getLabels().get(Labels.MANAGED_BY));
  }

  @Test
  void runnerSettingsComeFromTheEnvironmentSplitOnSpaces() {
    PluginRunner runner = PluginRunner.fromEnvironment(Map.of("RUNNER_IMAGE", "r:1",
        "RUNNER_COMMAND", " java  -Xmx64m -jar /r.jar "));
    assertEquals("r:1", runner.image());
    assertEquals(List.of("java", "-Xmx64m", "-jar", "/r.jar"), runner.command());
    assertEquals(PluginRunner.DEFAULT, PluginRunner.fromEnvironment(Map.of()));
    assertEquals(List.of("java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar",
        "/opt/spaceone/plugin-runner.jar"), PluginRunner.DEFAULT.command());
  }

  /** A file-protocol Job, for contrast. */
  static final String FILE_JOB = """
      plugin:
        image: collector:1
        command: [sh, -c, "true"]
      tasks:
        - options: {}
      """;
}
