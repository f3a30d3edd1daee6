package dev.spaceone.e2e;

import static dev.spaceone.e2e.SpaceOneCluster.assertCounts;
import static dev.spaceone.e2e.SpaceOneCluster.awaitFinished;
import static dev.spaceone.e2e.SpaceOneCluster.awaitThat;
import static dev.spaceone.e2e.SpaceOneCluster.example;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spaceone.contract.ErrorCodes;
import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.testkit.RealNode;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator on a real node: a real kubelet (with containerd and runc) runs every task pod from the locally
 * built busybox image, so the plugin script, its termination message, the task timeout, the grace period of a
 * deleted pod and the restricted security context are the real ones, not the stand-in's.
 */
@ExtendWith(RealNodeExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RealNodeE2ETest {
  private static String ns;
  private static RunningOperator operator;
  private final RealNodeCluster cluster;
  private final KubernetesClient client;

  RealNodeE2ETest(RealNodeCluster cluster) {
    this.cluster = cluster;
    this.client = cluster.plane.client();
  }

  @BeforeAll
  static void startOperator(RealNodeCluster cluster) {
    SpaceOneCluster.installCrds(cluster.plane);
    ns = SpaceOneCluster.createNamespace(cluster.plane, "realnode");
    operator = RunningOperator.onRealNode(cluster.plane, ns);
  }

  @AfterAll
  static void stopOperator(RealNodeCluster cluster) {
    if (operator != null) {
      operator.close();
    }
    SpaceOneCluster.deleteNamespace(cluster.plane, ns);
  }

  @Test
  @Order(1)
  void theNodeIsARealKubeletOnTheRunsBridge() {
    Node node = client.nodes().withName(RealNode.NODE_NAME).get();
    assertNotNull(node);
    assertEquals(dev.spaceone.testkit.LocalControlPlane.DEFAULT_KUBERNETES_VERSION,
        node.getStatus().getNodeInfo().getKubeletVersion());
    assertTrue(node.getStatus().getNodeInfo().getContainerRuntimeVersion().startsWith("containerd://"),
        node.getStatus().getNodeInfo().getContainerRuntimeVersion());
    assertEquals(List.of(RealNode.NODE_IP), node.getStatus().getAddresses().stream()
        .filter(a -> "InternalIP".equals(a.getType())).map(NodeAddress::getAddress).toList());
  }

  /** The three examples, unchanged, to the counts their comments promise; the sample plugin runs in busybox. */
  @Test
  @Order(2)
  void examplesRunToTheirPromisedCounts() {
    long started = System.nanoTime();
    SpaceOneCluster.apply(cluster.plane, ns, example("inventory/secrets.yaml"), example("inventory/job.yaml"),
        example("cost-analysis/job.yaml"), example("power-scheduler/job.yaml"));

    Job inventory = awaitFinished(client, ns, OperatorE2ETest.INVENTORY);
    long inventoryMillis = Duration.ofNanos(System.nanoTime() - started).toMillis();
    assertEquals("SUCCESS", inventory.getStatus().getStatus().toString(),
        SpaceOneCluster.describe(client, ns, OperatorE2ETest.INVENTORY));
    assertEquals("3/3", inventory.getStatus().getProgress());
    assertCounts(inventory, 12, 6, 0, 0, 18);
    for (JobTask task : SpaceOneCluster.tasks(client, ns, OperatorE2ETest.INVENTORY)) {
      Pod pod = client.pods().inNamespace(ns).withName(task.getStatus().getPodName()).get();
      assertEquals(RealNode.NODE_NAME, pod.getSpec().getNodeName());
      assertTrue(pod.getStatus().getPodIP().startsWith("10.213.8."), "pod IP " + pod.getStatus().getPodIP());
      ContainerStateTerminated end = terminated(pod);
      assertEquals(0, end.getExitCode());
      assertTrue(end.getMessage().contains("\"created_count\": 4"), end.getMessage());
      // The log, read from the kubelet through the apiserver: Secret file names, never their contents.
      String log = client.pods().inNamespace(ns).withName(pod.getMetadata().getName()).getLog();
      assertTrue(log.contains("task " + task.getMetadata().getName() + " of job " + OperatorE2ETest.INVENTORY), log);
      assertTrue(log.contains("secret files: aws_access_key_id aws_secret_access_key region_name"), log);
      assertFalse(log.contains("fake-") || log.contains("AKIAFAKE"), log);
    }

    Job cost = awaitFinished(client, ns, OperatorE2ETest.COST);
    assertEquals("SUCCESS", cost.getStatus().getStatus().toString(),
        SpaceOneCluster.describe(client, ns, OperatorE2ETest.COST));
    assertCounts(cost, 345, 5, 0, 0, 350);

    Job power = awaitFinished(client, ns, OperatorE2ETest.POWER);
    assertEquals("FAILURE", power.getStatus().getStatus().toString(),
        SpaceOneCluster.describe(client, ns, OperatorE2ETest.POWER));
    assertCounts(power, 0, 0, 1, 12, 13);
    long allMillis = Duration.ofNanos(System.nanoTime() - started).toMillis();
    System.err.println("[e2e] real node: inventory-aws SUCCESS after " + inventoryMillis + " ms; all three examples"
        + " finished after " + allMillis + " ms (" + jobSeconds(inventory) + ", " + jobSeconds(cost) + ", "
        + jobSeconds(power) + " from start to finish)");
  }

  /** A task longer than its timeout is ended by the kubelet (activeDeadlineSeconds): reason DeadlineExceeded. */
  @Test
  @Order(3)
  void aTaskTimeoutEndsByTheKubeletsDeadlineExceeded() {
    String job = "timeout-probe";
    cluster.plane.runKubectlWithInput(probeJob(job, 2, 0, """
        trap 'echo stopped; exit 143' TERM
        echo started
        sleep 300 &
        wait
        """), "apply", "-n", ns, "-f", "-").assertSuccess();
    Job finished = awaitFinished(client, ns, job);
    JobTask task = SpaceOneCluster.tasks(client, ns, job).get(0);
    assertEquals("TIMEOUT", task.getStatus().getStatus().toString(), SpaceOneCluster.describe(client, ns, job));
    assertTrue(task.getStatus().getErrors().stream().anyMatch(e -> ErrorCodes.TASK_TIMEOUT.equals(e.getErrorCode())),
        "errors " + task.getStatus().getErrors());
    Pod pod = client.pods().inNamespace(ns).withName(task.getStatus().getPodName()).get();
    assertEquals("Failed", pod.getStatus().getPhase());
    assertEquals("DeadlineExceeded", pod.getStatus().getReason(), "reason of " + pod.getStatus());
    assertFalse("SUCCESS".equals(finished.getStatus().getStatus().toString()));
  }

  /** When the deleted pod's container ended, and when the retry pod was created (set by the deletion test). */
  private static Instant deletedPodEnded;
  private static Instant retryPodCreated;

  /**
   * A pod deleted while its plugin runs gets SIGTERM and its grace period (the plugin's TERM handler takes 2 s and
   * exits with 143); the task is retried and succeeds.
   */
  @Test
  @Order(4)
  void aPodDeletedWhileRunningStopsWithinItsGraceAndTheTaskIsRetried() throws Exception {
    String job = "delete-probe";
    Map<String, Pod> lastSeen = new ConcurrentHashMap<>();
    try (Watch ignored = client.pods().inNamespace(ns).withLabel("spaceone.dev/job", job).watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, Pod pod) {
        lastSeen.merge(pod.getMetadata().getName(), pod, (old, now) -> terminatedOrNull(now) != null
            || terminatedOrNull(old) == null ? now : old);
      }

      @Override
      public void onClose(WatcherException cause) {
      }
    })) {
      // Attempt 1 runs until it is stopped; attempt 2 succeeds.
      cluster.plane.runKubectlWithInput(probeJob(job, 300, 1, """
          case "$(hostname)" in
            *-1)
              trap 'echo TERM received; sleep 2; echo stopping; exit 143' TERM
              echo running
              sleep 300 &
              wait
              ;;
          esac
          printf '{"created_count": 1, "total_count": 1}' > "$SPACEONE_RESULT_FILE"
          """), "apply", "-n", ns, "-f", "-").assertSuccess();
      String first = job + "-0-1";
      awaitThat("the first attempt's container to run", SpaceOneCluster.TIMEOUT, () -> {
        Pod pod = client.pods().inNamespace(ns).withName(first).get();
        return pod != null && pod.getStatus().getContainerStatuses() != null
            && pod.getStatus().getContainerStatuses().stream().anyMatch(s -> s.getState().getRunning() != null)
            && client.pods().inNamespace(ns).withName(first).getLog().contains("running");
      });
      Instant deleted = Instant.now();
      client.pods().inNamespace(ns).withName(first).delete();
      Job finished = awaitFinished(client, ns, job);
      assertEquals("SUCCESS", finished.getStatus().getStatus().toString(), SpaceOneCluster.describe(client, ns, job));

      awaitThat("the first pod's end to be seen", SpaceOneCluster.TIMEOUT,
          () -> lastSeen.containsKey(first) && terminatedOrNull(lastSeen.get(first)) != null);
      ContainerStateTerminated end = terminatedOrNull(lastSeen.get(first));
      Instant ended = Instant.parse(end.getFinishedAt());
      long grace = lastSeen.get(first).getSpec().getTerminationGracePeriodSeconds();
      assertEquals(143, end.getExitCode(), "the TERM handler's exit code: " + end);
      // Timestamps have whole seconds: the handler's 2 s are at least 1 s on the clock, and within the grace.
      long after = Duration.between(deleted.truncatedTo(java.time.temporal.ChronoUnit.SECONDS), ended).getSeconds();
      assertTrue(after >= 1 && after < grace,
          "ended " + ended + ", " + after + " s after the delete at " + deleted + ", grace " + grace + " s");

      Pod second = lastSeen.get(job + "-0-2");
      assertNotNull(second, "a second attempt: " + lastSeen.keySet());
      deletedPodEnded = ended;
      retryPodCreated = Instant.parse(second.getMetadata().getCreationTimestamp());
      System.err.println("[e2e] deleted pod: TERM handler ended " + after + " s after the delete; retry pod created at "
          + retryPodCreated + ", deleted pod's container ended at " + ended);
    }
  }

  /**
   * The retry of a deleted pod's task starts only after that pod's container ended (two attempts never run at once).
   * Before the operator waited for that (issue "reliability"), this failed here: the retry pod was created 2 s
   * before the deleted pod's TERM handler ended.
   */
  @Test
  @Order(5)
  void theRetryOfADeletedPodStartsOnlyAfterItEnded() {
    assertNotNull(deletedPodEnded, "run with the deletion test");
    assertFalse(retryPodCreated.isBefore(deletedPodEnded), "the retry pod was created at " + retryPodCreated
        + ", before the deleted pod's container ended at " + deletedPodEnded);
  }

  /** What the plugin sees inside its container: the user, capabilities, seccomp, the Secret and task.json. */
  @Test
  @Order(6)
  void theTaskPodsSecurityContextAndVolumesSeenFromInside() {
    String job = "inside-probe";
    cluster.plane.runKubectlWithInput("""
        apiVersion: v1
        kind: Secret
        metadata:
          name: probe-account
          labels:
            spaceone.dev/collect: probe
            spaceone.dev/provider: aws
        stringData:
          aws_access_key_id: AKIAPROBE
          region_name: eu-west-1
        ---
        apiVersion: spaceone.dev/v1alpha1
        kind: Job
        metadata:
          name: %s
        spec:
          service: inventory
          collectorId: collector-probe
          resourceGroup: DOMAIN
          domainId: domain-probe
          secretSelector:
            matchLabels:
              spaceone.dev/collect: probe
          taskTimeoutSeconds: 120
        %s""".formatted(job, probePlugin("""
        echo "ids: $(id -u) $(id -g) [$(id -G)]"
        grep -E '^(CapEff|CapPrm|NoNewPrivs|Seccomp):' /proc/self/status
        for f in "$SPACEONE_SECRET_DIR"/*; do echo "secret: $(stat -L -c '%n %a %u %g' "$f")"; done
        echo "task.json: $(cat "$SPACEONE_TASK_FILE")"
        if touch /etc/probe 2>/dev/null; then echo "etc: writable"; else echo "etc: read-only"; fi
        printf '{"created_count": 1, "total_count": 1}' > "$SPACEONE_RESULT_FILE"
        """)), "apply", "-n", ns, "-f", "-").assertSuccess();
    Job finished = awaitFinished(client, ns, job);
    assertEquals("SUCCESS", finished.getStatus().getStatus().toString(), SpaceOneCluster.describe(client, ns, job));
    JobTask task = SpaceOneCluster.tasks(client, ns, job).get(0);
    String log = client.pods().inNamespace(ns).withName(task.getStatus().getPodName()).getLog();
    System.err.println("[e2e] inside the task container:\n" + log);
    assertTrue(log.contains("ids: 65534 65534 [65534]"), log);
    assertTrue(log.contains("CapEff:\t0000000000000000"), log);
    assertTrue(log.contains("CapPrm:\t0000000000000000"), log);
    assertTrue(log.contains("NoNewPrivs:\t1"), log);
    assertTrue(log.contains("Seccomp:\t2"), "RuntimeDefault seccomp filter: " + log);
    // Secret files: 0440, owned by root and the pod's fsGroup, so the plugin's user reads them through its group.
    assertTrue(log.contains("secret: /etc/spaceone/secret/aws_access_key_id 440 0 65534"), log);
    assertTrue(log.contains("secret: /etc/spaceone/secret/region_name 440 0 65534"), log);
    assertFalse(log.contains("AKIAPROBE"), log);
    assertTrue(log.contains("\"job_task_id\":\"" + task.getMetadata().getName() + "\""), log);
    assertTrue(log.contains("\"secret_id\":\"probe-account\""), log);
    assertTrue(log.contains("etc: read-only"), log);
  }

  /**
   * Not a check: with {@code -De2e.node.idleSeconds=N} (default 0: skipped), prints the CPU share and resident memory
   * of the kubelet and containerd over N seconds with no pod running, for the notes.
   */
  @Test
  @Order(7)
  void idleCostOfTheNode() throws Exception {
    int seconds = Integer.getInteger("e2e.node.idleSeconds", 0);
    org.junit.jupiter.api.Assumptions.assumeTrue(seconds > 0, "set -De2e.node.idleSeconds=N to measure");
    SpaceOneCluster.deleteNamespace(cluster.plane, ns);
    awaitThat("no pod on the node", Duration.ofSeconds(120), () -> client.pods().inAnyNamespace()
        .withField("spec.nodeName", RealNode.NODE_NAME).list().getItems().isEmpty());
    Map<String, Long> pids = cluster.node.pids();
    Map<String, Long> before = new java.util.HashMap<>();
    pids.forEach((name, pid) -> before.put(name, cpuTicks(pid)));
    Thread.sleep(seconds * 1000L);
    pids.forEach((name, pid) -> System.err.printf(java.util.Locale.ROOT,
        "[e2e] idle %s: %.1f %% of one core over %d s, RSS %d MiB%n", name,
        100.0 * (cpuTicks(pid) - before.get(name)) / 100.0 / seconds, seconds, rssKib(pid) / 1024));
  }

  /** utime + stime of a process, in clock ticks (100 per second on Linux). */
  private static long cpuTicks(long pid) {
    try {
      String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static long rssKib(long pid) {
    try {
      return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/" + pid + "/status")).stream()
          .filter(l -> l.startsWith("VmRSS:")).map(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst()
          .orElse(0L);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A Job of one power-scheduler task running {@code script} (then the result is whatever it wrote). */
  static String probeJob(String name, int timeoutSeconds, int retries, String script) {
    return """
        apiVersion: spaceone.dev/v1alpha1
        kind: Job
        metadata:
          name: %s
        spec:
          service: power-scheduler
          resourceGroup: WORKSPACE
          domainId: domain-probe
          workspaceId: workspace-probe
          backoffLimitPerTask: %d
          taskTimeoutSeconds: %d
          tasks:
            - provider: aws
        %s""".formatted(name, retries, timeoutSeconds, probePlugin(script));
  }

  /** A Job's {@code plugin:} (two-space indented, under spec) running {@code script} with busybox's sh. */
  static String probePlugin(String script) {
    return """
          plugin:
            pluginId: plugin-probe
            version: "1.0.0"
            image: busybox:1.36
            command: ["sh", "-c"]
            args:
              - |
        """ + script.indent(8);
  }

  static ContainerStateTerminated terminated(Pod pod) {
    ContainerStateTerminated t = terminatedOrNull(pod);
    assertNotNull(t, "terminated container in " + pod.getStatus());
    return t;
  }

  static ContainerStateTerminated terminatedOrNull(Pod pod) {
    if (pod == null || pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return null;
    }
    return pod.getStatus().getContainerStatuses().stream().map(s -> s.getState().getTerminated())
        .filter(t -> t != null).findFirst().orElse(null);
  }

  private static String jobSeconds(Job job) {
    var s = job.getStatus();
    if (s.getStartedAt() == null || s.getFinishedAt() == null) {
      return job.getMetadata().getName() + " ?";
    }
    return job.getMetadata().getName() + " " + Duration.between(Instant.parse(s.getStartedAt()),
        Instant.parse(s.getFinishedAt())).toMillis() / 1000.0 + " s";
  }
}
