package dev.spaceone.e2e;

import static dev.spaceone.e2e.SpaceOneCluster.assertCounts;
import static dev.spaceone.e2e.SpaceOneCluster.awaitFinished;
import static dev.spaceone.e2e.SpaceOneCluster.awaitThat;
import static dev.spaceone.e2e.SpaceOneCluster.example;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.operator.desired.PluginRunner;
import dev.spaceone.testkit.LocalImages;
import dev.spaceone.testkit.RealNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The gRPC plugin runtime on the real node: the two grpc examples, unchanged, with the example SpaceONE plugins
 * (examples/plugin/python on spaceone-core) in the image {@code images/build.sh example-plugin} builds, run by a real
 * kubelet as native sidecars beside the runner from the operator's image (also built by images/build.sh). The
 * cost example's plan is read from the planning pod's log, served by the real kubelet through the apiserver.
 */
@ExtendWith(RealNodeExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RealNodeGrpcE2ETest {
  static final String INVENTORY = "spaceone-grpc-inventory";
  static final String COST = "spaceone-grpc-cost";
  /** A Python plugin start and a JVM start per pod, on a loaded machine: more than the busybox Jobs need. */
  static final Duration JOB_TIMEOUT = Duration.ofMinutes(4);

  private static String ns;
  private static RunningOperator operator;
  private static Watch watch;
  /** Every pod of the namespace as last seen, and when (System.nanoTime) it was first seen / seen Succeeded. */
  private static final Map<String, Pod> lastSeen = new ConcurrentHashMap<>();
  private static final Map<String, Long> firstSeenNanos = new ConcurrentHashMap<>();
  private static final Map<String, Long> succeededNanos = new ConcurrentHashMap<>();
  /** When (System.nanoTime) each pod was first seen with its runner terminated, being deleted, and gone. */
  private static final Map<String, Long> runnerEndedNanos = new ConcurrentHashMap<>();
  private static final Map<String, Long> deletingNanos = new ConcurrentHashMap<>();
  private static final Map<String, Long> goneNanos = new ConcurrentHashMap<>();
  /** Pods whose runner was seen started while their plugin sidecar was not yet started (must stay empty). */
  private static final List<String> runnerBeforeSidecar = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final RealNodeCluster cluster;
  private final KubernetesClient client;

  RealNodeGrpcE2ETest(RealNodeCluster cluster) {
    this.cluster = cluster;
    this.client = cluster.plane.client();
  }

  /** Why the grpc images cannot be built here, or empty: the jars, mmdebstrap, the example plugins' venv. */
  static Optional<String> unavailableReason() {
    List<String> missing = new ArrayList<>();
    for (String jar : List.of("operator/target/spaceone-job-operator.jar",
        "plugin-runner/target/spaceone-plugin-runner.jar")) {
      if (!Files.isRegularFile(SpaceOneCluster.REPO.resolve(jar))) {
        missing.add(jar + " (mvn -B -q -pl operator,plugin-runner -am package -DskipTests)");
      }
    }
    if (RealNode.which("mmdebstrap").isEmpty()) {
      missing.add("mmdebstrap (apt-get install mmdebstrap)");
    }
    String venv = Optional.ofNullable(System.getenv("SPACEONE_PY_VENV")).filter(v -> !v.isBlank())
        .orElse(System.getProperty("user.home") + "/.cache/spaceone-job-operator/venv");
    if (!Files.isExecutable(Path.of(venv, "bin", "spaceone-example-plugin"))) {
      missing.add("the example plugins' venv " + venv + " (bash examples/plugin/python/setup-venv.sh)");
    }
    return missing.isEmpty() ? Optional.empty()
        : Optional.of("cannot build the grpc example images: missing " + String.join(", ", missing));
  }

  @BeforeAll
  static void start(RealNodeCluster cluster) {
    unavailableReason().ifPresent(reason -> {
      if (RealNodeExtension.required()) {
        org.junit.jupiter.api.Assertions.fail(reason + " (e2e.node.required=true)");
      }
      System.err.println("[e2e] real-node grpc tests SKIPPED: " + reason);
      org.junit.jupiter.api.Assumptions.abort(reason);
    });
    long started = System.nanoTime();
    List<Path> images = LocalImages.build(SpaceOneCluster.REPO, "operator", "example-plugin");
    System.err.println("[e2e] operator and example-plugin images ready after "
        + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms");
    cluster.importImages(images);
    SpaceOneCluster.installCrds(cluster.plane);
    ns = SpaceOneCluster.createNamespace(cluster.plane, "realgrpc");
    watch = cluster.plane.client().pods().inNamespace(ns).watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, Pod pod) {
        String name = pod.getMetadata().getName();
        long now = System.nanoTime();
        firstSeenNanos.putIfAbsent(name, now);
        if ("Succeeded".equals(phase(pod))) {
          succeededNanos.putIfAbsent(name, now);
        }
        ContainerStatus runner = status(pod, false, "runner");
        ContainerStatus plugin = status(pod, true, "plugin");
        if (runner != null && runner.getState() != null && runner.getState().getTerminated() != null) {
          runnerEndedNanos.putIfAbsent(name, now);
        }
        if (pod.getMetadata().getDeletionTimestamp() != null) {
          deletingNanos.putIfAbsent(name, now);
        }
        if (action == Action.DELETED) {
          goneNanos.putIfAbsent(name, now);
        }
        boolean runnerStarted = runner != null && runner.getState() != null
            && (runner.getState().getRunning() != null || runner.getState().getTerminated() != null);
        if (runnerStarted && (plugin == null || plugin.getState() == null
            || plugin.getState().getWaiting() != null)) {
          runnerBeforeSidecar.add(name + ": " + pod.getStatus());
        }
        lastSeen.put(name, pod);
      }

      @Override
      public void onClose(WatcherException cause) {
      }
    });
    operator = RunningOperator.onRealNode(cluster.plane, ns,
        Map.of("RUNNER_IMAGE", LocalImages.operatorImage(SpaceOneCluster.REPO)));
  }

  @AfterAll
  static void stop(RealNodeCluster cluster) {
    if (watch != null) {
      watch.close();
    }
    if (operator != null) {
      operator.close();
    }
    SpaceOneCluster.deleteNamespace(cluster.plane, ns);
  }

  /** Header of examples/spaceone-grpc-inventory/job.yaml: SUCCESS, 2/2 tasks, created 12, total 12. */
  @Test
  @Order(1)
  void theInventoryExampleRunsToItsPromisedCounts() {
    long started = System.nanoTime();
    Job job = runExample(INVENTORY, "2/2");
    long jobMillis = Duration.ofNanos(System.nanoTime() - started).toMillis();
    List<JobTask> tasks = SpaceOneCluster.tasks(client, ns, INVENTORY);
    assertEquals(2, tasks.size());
    for (JobTask task : tasks) {
      Pod pod = assertSidecarShape(task.getStatus().getPodName());
      String log = client.pods().inNamespace(ns).withName(pod.getMetadata().getName()).inContainer("plugin")
          .getLog();
      assertFalse(log.contains("not-a-real-key"), "the plugin's log shows secret data: " + log);
    }
    System.err.println("[e2e] real node grpc: " + INVENTORY + " SUCCESS after " + jobMillis + " ms; " + timings(tasks));
  }

  /**
   * Header of examples/spaceone-grpc-cost/job.yaml: the plugin divides the Job into 3 monthly tasks (plan read from
   * the planning pod's log through the real kubelet), SUCCESS, 3/3, created 12.
   */
  @Test
  @Order(2)
  void theCostExampleIsDividedByThePluginAndRunsToItsPromisedCounts() {
    long started = System.nanoTime();
    Job job = runExample(COST, "3/3");
    long jobMillis = Duration.ofNanos(System.nanoTime() - started).toMillis();
    assertNotNull(job.getStatus().getPlan(), "status.plan");
    assertEquals(3, job.getStatus().getPlan().getTasks());
    String planPod = job.getStatus().getPlan().getPodName();
    assertEquals(COST + "-plan", planPod);
    assertEquals(1, job.getStatus().getSyncedAccounts().size(), "syncedAccounts " + job.getStatus().getSyncedAccounts());
    assertEquals(1, job.getStatus().getChanged().size(), "changed " + job.getStatus().getChanged());

    List<JobTask> tasks = SpaceOneCluster.tasks(client, ns, COST);
    assertEquals(3, tasks.size(), "one task per planned month");
    assertEquals(List.of("2026-01", "2026-02", "2026-03"),
        tasks.stream().map(t -> String.valueOf(t.getSpec().getOptions().get("month"))).toList());
    for (JobTask task : tasks) {
      assertSidecarShape(task.getStatus().getPodName());
    }
    // The planning pod ran the same shape; the plan was in its log, served by the real kubelet.
    assertSidecarShape(planPod);
    String planLog = client.pods().inNamespace(ns).withName(planPod).inContainer("runner").getLog();
    assertEquals(5, planLog.lines().filter(l -> l.startsWith("SPACEONE_PLAN ")).count(), planLog);
    System.err.println("[e2e] real node grpc: " + COST + " SUCCESS after " + jobMillis + " ms; plan pod "
        + timing(planPod) + "; " + timings(tasks));
  }

  /** Applies examples/NAME/ (its Secrets and Job) and awaits its header's outcome: SUCCESS, created 12, total 12. */
  private Job runExample(String name, String progress) {
    SpaceOneCluster.apply(cluster.plane, ns, example(name + "/secrets.yaml"), example(name + "/job.yaml"));
    Job job = awaitFinished(client, ns, name, JOB_TIMEOUT);
    assertEquals("SUCCESS", job.getStatus().getStatus().toString(), SpaceOneCluster.describe(client, ns, name));
    assertEquals(progress, job.getStatus().getProgress());
    assertCounts(job, 12, 0, 0, 0, 12);
    assertEquals(List.of(0L, 0L), List.of(job.getStatus().getDeletedCount(), job.getStatus().getDisconnectedCount()));
    return job;
  }

  /**
   * A plugin that exits before it serves (the example plugin's own entrypoint with a service it does not have: usage,
   * exit 2): the kubelet restarts the sidecar and never starts the runner; the task fails with
   * ERROR_PLUGIN_UNREACHABLE and the sidecar's exit code, long before its timeout, and the pod is deleted.
   */
  @Test
  @Order(3)
  void aPluginThatCrashesBeforeServingFailsTheTaskWithItsReason() {
    String job = "crash-probe";
    int timeoutSeconds = 180;
    long started = System.nanoTime();
    applyOneTaskJob(job, timeoutSeconds, """
        command: ["spaceone-example-plugin", "no-such-service"]
        """);
    Job finished = awaitFinished(client, ns, job, JOB_TIMEOUT);
    long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
    assertEquals("FAILURE", finished.getStatus().getStatus().toString(), SpaceOneCluster.describe(client, ns, job));
    JobTask task = SpaceOneCluster.tasks(client, ns, job).get(0);
    assertEquals("FAILURE", task.getStatus().getStatus().toString(), SpaceOneCluster.describe(client, ns, job));
    var error = task.getStatus().getErrors().stream()
        .filter(e -> dev.spaceone.contract.ErrorCodes.PLUGIN_UNREACHABLE.equals(e.getErrorCode())).findFirst()
        .orElseThrow(() -> new AssertionError("errors " + task.getStatus().getErrors()));
    assertTrue(error.getMessage().contains("exit code 2"), error.getMessage());
    assertTrue(millis < timeoutSeconds * 1000L, "failed after " + millis + " ms, timeout " + timeoutSeconds + " s");
    String podName = job + "-0-1";
    Pod last = lastSeen.get(podName);
    assertNotNull(last, "the pod was seen");
    ContainerStatus runner = status(last, false, "runner");
    assertTrue(runner == null || runner.getState() == null || runner.getState().getWaiting() != null,
        "the runner never started: " + runner);
    awaitThat("the crashed attempt's pod to be deleted", SpaceOneCluster.TIMEOUT,
        () -> client.pods().inNamespace(ns).withName(podName).get() == null);
    System.err.println("[e2e] real node grpc: a plugin crashing before serving failed its task after " + millis
        + " ms: " + error.getMessage());
  }

  /**
   * A plugin that ignores SIGTERM, as real SpaceONE images do (Python as PID 1 without a TERM handler; here the
   * example plugin with SPACEONE_EXAMPLE_SIGTERM=ignore). The task's counts are recorded once the runner exited 0;
   * then the kubelet stops the sidecar, which only SIGKILL ends when the pod's grace period is over: a grpc pod's
   * grace period is the operator's short GRPC_POD_GRACE_SECONDS, not Kubernetes' 30 s.
   */
  @Test
  @Order(4)
  void aPluginThatIgnoresSigtermHoldsItsFinishedPodOnlyForTheShortGracePeriod() {
    String job = "sigterm-ignored";
    applySigtermIgnoringJob(job);
    Job finished = awaitFinished(client, ns, job, JOB_TIMEOUT);
    assertEquals("SUCCESS", finished.getStatus().getStatus().toString(), SpaceOneCluster.describe(client, ns, job));
    assertCounts(finished, 6, 0, 0, 0, 6);
    String podName = SpaceOneCluster.tasks(client, ns, job).get(0).getStatus().getPodName();
    awaitThat("the pod of " + podName + " to end", Duration.ofMinutes(2), () -> {
      Pod pod = lastSeen.get(podName);
      ContainerStatus plugin = status(pod, true, "plugin");
      return "Succeeded".equals(phase(pod)) && plugin != null && plugin.getState().getTerminated() != null;
    });
    Pod pod = lastSeen.get(podName);
    ContainerStateTerminated runnerEnd = status(pod, false, "runner").getState().getTerminated();
    ContainerStateTerminated pluginEnd = status(pod, true, "plugin").getState().getTerminated();
    assertEquals(0, runnerEnd.getExitCode(), "runner: " + runnerEnd);
    assertEquals(137, pluginEnd.getExitCode(), "the plugin ignored SIGTERM, so SIGKILL ended it: " + pluginEnd);
    long lingered = Duration.between(Instant.parse(runnerEnd.getFinishedAt()), Instant.parse(pluginEnd.getFinishedAt()))
        .toSeconds();
    long watched = Duration.ofNanos(succeededNanos.get(podName) - runnerEndedNanos.get(podName)).toMillis();
    System.err.println("[e2e] real node grpc: a plugin ignoring SIGTERM; runner exit -> plugin killed " + lingered
        + " s (kubelet's whole seconds), runner end seen -> pod Succeeded seen " + watched + " ms; grace period "
        + pod.getSpec().getTerminationGracePeriodSeconds() + " s");
    // Whole seconds on both timestamps, and the kubelet's sync on a loaded node: over the grace period, yet well
    // under Kubernetes' 30 s.
    assertTrue(lingered <= PluginRunner.DEFAULT_POD_GRACE_SECONDS + 10, "the sidecar outlived the runner by "
        + lingered + " s; grace period " + pod.getSpec().getTerminationGracePeriodSeconds());
  }

  /**
   * The same plugin's pod deleted by the operator (the Job canceled while the plugin starts): gone within the short
   * grace period, not 30 s later.
   */
  @Test
  @Order(5)
  void aPodOfAPluginThatIgnoresSigtermIsGoneSoonAfterTheOperatorDeletesIt() {
    String job = "sigterm-canceled";
    applySigtermIgnoringJob(job);
    String podName = job + "-0-1";
    awaitThat("the plugin sidecar of " + podName + " to run", JOB_TIMEOUT, () -> {
      ContainerStatus plugin = status(lastSeen.get(podName), true, "plugin");
      return plugin != null && plugin.getState() != null && plugin.getState().getRunning() != null;
    });
    cluster.plane.runKubectl("patch", "-n", ns, "jobs.spaceone.dev", job, "--type=merge", "-p",
        "{\"spec\":{\"cancel\":true}}").assertSuccess();
    Job finished = awaitFinished(client, ns, job, JOB_TIMEOUT);
    assertEquals("CANCELED", finished.getStatus().getStatus().toString(), SpaceOneCluster.describe(client, ns, job));
    awaitThat("the deleted pod " + podName + " to be gone", Duration.ofMinutes(2), () -> goneNanos.containsKey(podName));
    Pod last = lastSeen.get(podName);
    ContainerStatus plugin = status(last, true, "plugin");
    long gone = Duration.ofNanos(goneNanos.get(podName) - deletingNanos.get(podName)).toMillis();
    System.err.println("[e2e] real node grpc: a plugin ignoring SIGTERM; pod deleted by the operator -> gone " + gone
        + " ms; grace period " + last.getSpec().getTerminationGracePeriodSeconds() + " s; plugin " + plugin);
    assertTrue(gone <= (PluginRunner.DEFAULT_POD_GRACE_SECONDS + 10) * 1000L, "gone " + gone + " ms after deletion");
  }

  /** A one-task inventory Job whose plugin ignores SIGTERM (6 resources: 2 regions of 3 instances). */
  private void applySigtermIgnoringJob(String job) {
    applyOneTaskJob(job, 300, """
        command: ["spaceone-example-plugin", "inventory"]
        env:
          - name: SPACEONE_EXAMPLE_SIGTERM
            value: ignore
        options:
          instances_per_region: 3
        """);
  }

  /**
   * Applies a Secret and a one-task inventory Job, both named {@code job}, of the example plugin image; {@code plugin}
   * holds the rest of spec.plugin (YAML: command, env, options).
   */
  private void applyOneTaskJob(String job, int timeoutSeconds, String plugin) {
    cluster.plane.runKubectlWithInput("""
        apiVersion: v1
        kind: Secret
        metadata:
          name: %1$s
          labels:
            spaceone.dev/collect: %1$s
        stringData:
          access_key: not-a-real-key
        ---
        apiVersion: spaceone.dev/v1alpha1
        kind: Job
        metadata:
          name: %1$s
        spec:
          service: inventory
          collectorId: collector-%1$s
          domainId: domain-example
          taskTimeoutSeconds: %2$d
          backoffLimitPerTask: 0
          secretSelector:
            matchLabels:
              spaceone.dev/collect: %1$s
          plugin:
            pluginId: plugin-example-inventory
            version: "1.0.0"
            protocol: grpc
            image: spaceone-example-plugin:%3$s
        %4$s""".formatted(job, timeoutSeconds, examplePluginVersion(), plugin.indent(4)),
        "apply", "-n", ns, "-f", "-").assertSuccess();
  }

  /**
   * The pod as the real kubelet ran it: the plugin a native sidecar (init container, restartPolicy Always, a TCP
   * startup probe) started before the runner, the pod Succeeded when the runner exited 0, and the sidecar stopped
   * after that (no restart).
   */
  private Pod assertSidecarShape(String podName) {
    assertNotNull(podName);
    awaitThat("the sidecar of " + podName + " to be stopped after the pod succeeded", SpaceOneCluster.TIMEOUT,
        () -> {
          Pod pod = lastSeen.get(podName);
          ContainerStatus plugin = status(pod, true, "plugin");
          return "Succeeded".equals(phase(pod)) && plugin != null && plugin.getState().getTerminated() != null;
        });
    Pod pod = lastSeen.get(podName);
    assertEquals(RealNode.NODE_NAME, pod.getSpec().getNodeName());
    Container sidecar = pod.getSpec().getInitContainers().get(0);
    assertEquals("plugin", sidecar.getName());
    assertEquals("Always", sidecar.getRestartPolicy());
    assertNotNull(sidecar.getStartupProbe().getTcpSocket(), "a TCP startup probe: " + sidecar.getStartupProbe());
    assertEquals("docker.io/library/spaceone-example-plugin:" + examplePluginVersion(),
        status(pod, true, "plugin").getImage());
    assertEquals(LocalImages.operatorImage(SpaceOneCluster.REPO),
        status(pod, false, "runner").getImage());

    ContainerStatus plugin = status(pod, true, "plugin");
    ContainerStatus runner = status(pod, false, "runner");
    ContainerStateTerminated runnerEnd = runner.getState().getTerminated();
    ContainerStateTerminated pluginEnd = plugin.getState().getTerminated();
    assertEquals(0, runnerEnd.getExitCode(), "runner: " + runnerEnd);
    assertEquals(0, plugin.getRestartCount(), "the sidecar restarted: " + plugin);
    assertEquals(0, pluginEnd.getExitCode(), "the example plugin stops on the kubelet's SIGTERM: " + pluginEnd);
    assertTrue(runnerBeforeSidecar.stream().noneMatch(s -> s.startsWith(podName + ":")),
        "the runner ran before the sidecar had started: " + runnerBeforeSidecar);
    // Timestamps have whole seconds: the sidecar started no later than the runner, and ended no earlier.
    assertFalse(Instant.parse(pluginEnd.getStartedAt()).isAfter(Instant.parse(runnerEnd.getStartedAt())),
        "plugin " + pluginEnd + ", runner " + runnerEnd);
    assertFalse(Instant.parse(pluginEnd.getFinishedAt()).isBefore(Instant.parse(runnerEnd.getFinishedAt())),
        "plugin " + pluginEnd + ", runner " + runnerEnd);
    // The result: counts of a task, the plan's size and digest of a planning pod.
    assertTrue(runnerEnd.getMessage().contains(podName.endsWith("-plan") ? "\"plan_tasks\"" : "\"created_count\""),
        runnerEnd.getMessage());
    return pod;
  }

  private static String timings(List<JobTask> tasks) {
    return String.join("; ", tasks.stream().map(t -> timing(t.getStatus().getPodName())).toList());
  }

  /**
   * A pod's time from its creation (first seen by the watch) to Succeeded (seen), and the kubelet's steps in
   * whole seconds from its creation: sidecar started, runner started, runner finished.
   */
  private static String timing(String podName) {
    Pod pod = lastSeen.get(podName);
    Instant created = Instant.parse(pod.getMetadata().getCreationTimestamp());
    ContainerStateTerminated plugin = status(pod, true, "plugin").getState().getTerminated();
    ContainerStateTerminated runner = status(pod, false, "runner").getState().getTerminated();
    return String.format(Locale.ROOT, "%s created->Succeeded %d ms (plugin started +%d s, runner started +%d s,"
            + " runner finished +%d s)", podName,
        Duration.ofNanos(succeededNanos.get(podName) - firstSeenNanos.get(podName)).toMillis(),
        Duration.between(created, Instant.parse(plugin.getStartedAt())).toSeconds(),
        Duration.between(created, Instant.parse(runner.getStartedAt())).toSeconds(),
        Duration.between(created, Instant.parse(runner.getFinishedAt())).toSeconds());
  }

  static String examplePluginVersion() {
    try {
      return Files.readAllLines(SpaceOneCluster.REPO.resolve("examples/plugin/python/pyproject.toml")).stream()
          .filter(l -> l.startsWith("version = ")).map(l -> l.replaceAll("version = \"(.*)\"", "$1")).findFirst()
          .orElseThrow();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String phase(Pod pod) {
    return pod == null || pod.getStatus() == null ? null : pod.getStatus().getPhase();
  }

  private static ContainerStatus status(Pod pod, boolean init, String name) {
    if (pod == null || pod.getStatus() == null) {
      return null;
    }
    List<ContainerStatus> statuses = init ? pod.getStatus().getInitContainerStatuses()
        : pod.getStatus().getContainerStatuses();
    return statuses == null ? null
        : statuses.stream().filter(s -> name.equals(s.getName())).findFirst().orElse(null);
  }
}
