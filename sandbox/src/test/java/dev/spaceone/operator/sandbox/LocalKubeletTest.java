package dev.spaceone.operator.sandbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spaceone.contract.ErrorCodes;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.operator.api.v1alpha1.PluginProtocol;
import dev.spaceone.operator.jobtask.AttemptOutcome;
import dev.spaceone.operator.jobtask.PodOutcomes;
import dev.spaceone.operator.desired.PluginRunner;
import dev.spaceone.operator.desired.TaskPodBuilder;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sandbox's kubelet pieces: the task's private folder (modes, Secret files, truncation), the pod's environment,
 * and the kubelet itself on the sandbox's API server (phases, termination message, deadline, deletion).
 */
class LocalKubeletTest {
  static final String NS = "kubelet-test";
  static MockApiServer api;
  static KubernetesClient client;
  static LocalKubelet kubelet;
  static final List<String> notes = new CopyOnWriteArrayList<>();
  @TempDir
  static Path root;

  @BeforeAll
  static void start() throws Exception {
    api = MockApiServer.start(0);
    client = api.client("test");
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
    client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName("creds").endMetadata()
        .withData(Map.of("token", java.util.Base64.getEncoder().encodeToString("s3cr3t".getBytes()))).build()).create();
    Files.createDirectories(root.resolve("run"));
    Files.createDirectories(root.resolve("pods"));
    kubelet = new LocalKubelet(api.client("kubelet"), root.resolve("run"), root.resolve("pods"), notes::add);
  }

  @AfterAll
  static void stop() {
    kubelet.close();
    api.close();
  }

  /** A task as the operator makes it, with a plugin that runs {@code sh -c script}. */
  static JobTask task(String name, String script, Long timeoutSeconds) {
    JobTask task = Serialization.unmarshal("""
        apiVersion: spaceone.dev/v1alpha1
        kind: JobTask
        metadata:
          name: %s
          namespace: %s
        spec:
          jobName: job-a
          index: 0
          service: inventory
          secretRef: {name: creds}
          plugin:
            image: busybox:1.36
            command: ["sh", "-c"]
            args: [%s]
            env:
              - {name: GREETING, value: hello}
              - {name: MESSAGE, value: "$(GREETING) world"}
        """.formatted(name, NS, Serialization.asJson(script)), JobTask.class);
    task.getMetadata().setUid(UUID.randomUUID().toString());
    task.getSpec().setTimeoutSeconds(timeoutSeconds);
    return task;
  }

  static Pod create(JobTask task) {
    Pod pod = TaskPodBuilder.build(task, 1, PluginRunner.DEFAULT);
    return client.pods().inNamespace(NS).resource(pod).create();
  }

  static Pod pod(String name) {
    return client.pods().inNamespace(NS).withName(name).get();
  }

  static Pod awaitPhase(String name, String phase) {
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
        .until(() -> pod(name) != null && pod(name).getStatus() != null && phase.equals(pod(name).getStatus().getPhase()));
    return pod(name);
  }

  static ContainerStateTerminated terminated(Pod pod) {
    return pod.getStatus().getContainerStatuses().get(0).getState().getTerminated();
  }

  @Test
  void aPodRunsAsALocalProcessWithTheContractsFilesAndEnvironment() {
    String script = "set -eu; test -r \"$SPACEONE_TASK_FILE\"; "
        + "printf '{\"job\": \"%s\", \"task\": \"%s\", \"token\": \"%s\", \"message\": \"%s\", \"modes\": \"%s\"}' "
        + "\"$SPACEONE_JOB_ID\" \"$SPACEONE_JOB_TASK_ID\" \"$(cat \"$SPACEONE_SECRET_DIR/token\")\" \"$MESSAGE\" "
        + "\"$(stat -c %a \"$SPACEONE_SECRET_DIR/token\" \"$SPACEONE_TASK_FILE\" \"$(dirname \"$SPACEONE_RESULT_FILE\")\" | tr '\\n' ' ')\" "
        + "> \"$SPACEONE_RESULT_FILE\"";
    Pod pod = create(task("runs-0", script, 60L));

    Pod ended = awaitPhase(pod.getMetadata().getName(), "Succeeded");

    ContainerStateTerminated t = terminated(ended);
    assertEquals(0, t.getExitCode());
    assertEquals("Completed", t.getReason());
    assertEquals("{\"job\": \"job-a\", \"task\": \"runs-0\", \"token\": \"s3cr3t\", \"message\": \"hello world\", "
        + "\"modes\": \"600 600 700 \"}", t.getMessage());
    assertTrue(ended.getStatus().getStartTime() != null);
    // The private folder (with the Secret's file) is gone once the process ended.
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      try (var left = Files.list(root.resolve("run"))) {
        return left.noneMatch(p -> p.getFileName().toString().startsWith("runs-0-1-"));
      }
    });
  }

  @Test
  void aLongResultIsTruncatedTo4096BytesAndANonZeroExitFailsThePod() {
    Pod pod = create(task("long-0", "head -c 5000 /dev/zero | tr '\\0' x > \"$SPACEONE_RESULT_FILE\"; exit 3", 60L));

    Pod ended = awaitPhase(pod.getMetadata().getName(), "Failed");

    assertEquals(3, terminated(ended).getExitCode());
    assertEquals("x".repeat(4096), terminated(ended).getMessage());
  }

  @Test
  void theDeadlineKillsTheProcessAndFailsThePodWithDeadlineExceeded() throws Exception {
    Path pidFile = root.resolve("deadline.pid");
    // $$ is a literal $ in Kubernetes' $(VAR) expansion of args, so the shell sees $$ (its pid).
    Pod pod = create(task("deadline-0", "echo $$$$ > " + pidFile + "; sleep 60", 1L));

    Pod ended = awaitPhase(pod.getMetadata().getName(), "Failed");

    assertEquals("DeadlineExceeded", ended.getStatus().getReason());
    long pid = Long.parseLong(Files.readString(pidFile).trim());
    await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
  }

  @Test
  void deletingThePodKillsItsProcessTree() throws Exception {
    Path pidFile = root.resolve("deleted.pid");
    // The sleep is a child of the shell: both must go.
    Pod pod = create(task("deleted-0", "sleep 60 & echo $! > " + pidFile + "; wait", 60L));
    awaitPhase(pod.getMetadata().getName(), "Running");
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank());
    long child = Long.parseLong(Files.readString(pidFile).trim());
    assertTrue(ProcessHandle.of(child).isPresent());

    client.pods().inNamespace(NS).withName(pod.getMetadata().getName()).delete();

    await().atMost(Duration.ofSeconds(15)).until(() -> ProcessHandle.of(child).map(p -> !p.isAlive()).orElse(true));
  }

  @Test
  void aGrpcPluginThatExitsBeforeServingIsReportedAsAKubeletWouldAndJudgedUnreachable() {
    JobTask task = task("nosrv-0", "exit 3", 60L);
    task.getSpec().getPlugin().setProtocol(PluginProtocol.GRPC);
    Pod pod = client.pods().inNamespace(NS).resource(TaskPodBuilder.build(task, 1,
        new PluginRunner("runner:1", List.of("sh", "-c", "echo the runner must not start; exit 9")))).create();

    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
      Pod p = pod(pod.getMetadata().getName());
      return p.getStatus() != null && p.getStatus().getInitContainerStatuses() != null
          && !p.getStatus().getInitContainerStatuses().isEmpty();
    });
    Pod reported = pod(pod.getMetadata().getName());
    assertEquals("Pending", reported.getStatus().getPhase());
    var sidecar = reported.getStatus().getInitContainerStatuses().get(0);
    assertEquals(Boolean.FALSE, sidecar.getStarted());
    assertEquals(1, sidecar.getRestartCount());
    assertEquals(3, sidecar.getLastState().getTerminated().getExitCode());
    assertNull(reported.getStatus().getContainerStatuses().get(0).getState().getTerminated(), "the runner never ran");
    AttemptOutcome outcome = PodOutcomes.of(reported, java.time.Instant.now()).orElseThrow();
    assertEquals(ErrorCodes.PLUGIN_UNREACHABLE, outcome.errorCode());
    assertTrue(outcome.errorMessage().contains("exit code 3"), outcome.errorMessage());
  }

  @Test
  void aCommandThatDoesNotExistFailsThePodWithExit127() {
    JobTask task = task("missing-0", "true", 60L);
    task.getSpec().getPlugin().setCommand(List.of("spaceone-no-such-command"));
    task.getSpec().getPlugin().setArgs(null);
    Pod pod = create(task);

    Pod ended = awaitPhase(pod.getMetadata().getName(), "Failed");

    assertEquals(LocalKubelet.COMMAND_NOT_FOUND, terminated(ended).getExitCode());
    assertEquals("ContainerCannotRun", terminated(ended).getReason());
    assertTrue(terminated(ended).getMessage().startsWith(
        "exec: \"spaceone-no-such-command\": executable file not found in $PATH"), terminated(ended).getMessage());
    assertTrue(notes.stream().anyMatch(n -> n.contains("'spaceone-no-such-command' does not exist")), notes.toString());
  }

  @Test
  void theWorkspaceIsPrivateAndTruncates(@TempDir Path dir) throws Exception {
    try (TaskWorkspace ws = TaskWorkspace.create(dir, "pod")) {
      ws.writeTaskJson("{}");
      ws.writeSecret(Map.of("key", "value".getBytes(StandardCharsets.UTF_8), "../escape", new byte[] {1}));
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(ws.dir())));
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(ws.secretDir())));
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(ws.taskFile())));
      assertEquals("rw-------",
          PosixFilePermissions.toString(Files.getPosixFilePermissions(ws.secretDir().resolve("key"))));
      assertEquals("value", Files.readString(ws.secretDir().resolve("key")));
      assertFalse(Files.exists(ws.dir().resolve("escape")));
      assertTrue(ws.terminationMessage().isEmpty());
      Files.write(ws.resultFile(), new byte[5000]);
      assertEquals(4096, ws.terminationMessage().orElseThrow().length());
      ws.close();
      assertFalse(Files.exists(ws.dir()));
    }
  }

  @Test
  void theEnvironmentIsThePodsWithLocalPathsAndNothingOfTheHost(@TempDir Path dir) throws Exception {
    JobTask task = task("env-0", "echo $(MESSAGE) $(UNDEFINED) $$(GREETING)", 60L);
    Pod pod = TaskPodBuilder.build(task, 1, PluginRunner.DEFAULT);
    try (TaskWorkspace ws = TaskWorkspace.create(dir, "env-0-1")) {
      PodEnvironment.Process p = PodEnvironment.of(pod, pod.getSpec().getContainers().get(0), ws, "/usr/bin:/bin",
          (secret, key) -> null);

      Map<String, String> env = p.environment();
      assertEquals(ws.taskFile().toString(), env.get("SPACEONE_TASK_FILE"));
      assertEquals(ws.secretDir().toString(), env.get("SPACEONE_SECRET_DIR"));
      assertEquals(ws.resultFile().toString(), env.get("SPACEONE_RESULT_FILE"));
      assertEquals("job-a", env.get("SPACEONE_JOB_ID"));
      assertEquals("env-0", env.get("SPACEONE_JOB_TASK_ID"));
      assertEquals("hello world", env.get("MESSAGE"));
      assertEquals("/usr/bin:/bin", env.get("PATH"));
      assertEquals(ws.tmpDir().toString(), env.get("HOME"));
      assertNull(env.get("JAVA_HOME"));
      assertNull(env.get("USER"));
      assertEquals(List.of("sh", "-c", "echo hello world $(UNDEFINED) $(GREETING)"), p.command());
    }
  }
}
