package dev.spaceone.operator.sandbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spaceone.testkit.LocalControlPlane;
import dev.spaceone.testkit.RealNode;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sandbox on a real node, as a user runs it ({@code --control-plane real}; the node is the default where the
 * machine allows it): the inventory example's pods run as containers under a real kubelet, their logs come from
 * it, and Ctrl-C (SIGTERM here: the same shutdown hooks) leaves nothing of the node or the control plane behind.
 * Skipped with the reason where the machine cannot run a node (not root, packages or the kubelet missing); fails
 * instead when SPACEONE_E2E_NODE_REQUIRED (or -De2e.node.required) is true, as {@code .ci/run} sets it. Holds the
 * machine's one-real-node lock while its node runs (the sandbox's {@link RealNode} takes it; a second node waits).
 */
class SandboxRealNodeTest {
  static final String LOCK_FILE = "/run/lock/spaceone-job-operator-real-node.lock";
  static final String STATE_FILE = "/run/spaceone-job-operator-real-node.state";
  /** Host paths a node creates when they are missing, and must remove again. */
  static final List<String> HOST_PATHS = List.of("/var/lib/kubelet", "/var/log/containers", "/var/log/pods",
      "/var/lib/cni", "/run/containerd", "/opt/cni", "/etc/cni");
  static final List<String> SYSCTLS = List.of("vm/overcommit_memory", "kernel/panic", "kernel/panic_on_oops",
      "net/ipv4/ip_forward");
  /** Another run's node may hold the machine's lock this long (RealNode waits as long). */
  static final Duration LOCK_WAIT = Duration.ofMinutes(10);

  static boolean required() {
    String value = System.getProperty("e2e.node.required");
    if (value == null || value.isBlank()) {
      value = System.getenv("SPACEONE_E2E_NODE_REQUIRED");
    }
    return Boolean.parseBoolean(value);
  }

  @Test
  void theInventoryExampleRunsInContainersAndCtrlCLeavesNothingBehind(@TempDir Path tmp) throws Exception {
    Optional<String> reason = LocalControlPlane.unavailableReason()
        .or(() -> RealCluster.realNodeUnavailableReason(SandboxCommandTest.REPO));
    if (reason.isPresent()) {
      if (required()) {
        Assertions.fail(reason.get() + " (SPACEONE_E2E_NODE_REQUIRED is set)");
      }
      Assumptions.abort(reason.get());
    }
    Map<String, Boolean> hostPathsBefore = new LinkedHashMap<>();
    HOST_PATHS.forEach(p -> hostPathsBefore.put(p, Files.exists(Path.of(p))));
    Map<String, String> sysctlsBefore = sysctls();

    Path out = tmp.resolve("sandbox.out");
    long started = System.nanoTime();
    // Beside the example, a Job whose plugin fails: its output is read from the node's kubelet and kept.
    Path failing = tmp.resolve("failing.yaml");
    Files.writeString(failing, """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: failing
        ---
        apiVersion: spaceone.dev/v1alpha1
        kind: Job
        metadata:
          name: failing-plugin
          namespace: failing
        spec:
          service: inventory
          backoffLimitPerTask: 0
          tasks: [{}]
          plugin:
            image: busybox:1.36
            command: ["sh", "-c", "echo boom-on-the-node; exit 3"]
        """);
    Process sandbox = SandboxCommandTest.startKeepRunning(tmp, out, "--control-plane", "real", "examples/inventory",
        failing.toString());
    boolean exited = false;
    long stopping = 0;
    try {
      String kubeconfig = SandboxCommandTest.awaitKubeconfig(sandbox, out, LOCK_WAIT.plusMinutes(3));
      String printed = Files.readString(out);
      System.out.printf("SandboxRealNodeTest: sandbox up with the Job finished after %d ms%n",
          (System.nanoTime() - started) / 1_000_000);
      assertTrue(printed.contains("real node " + RealNode.NODE_NAME + " (containerd, kubelet"), printed);
      assertTrue(RealNode.anotherNodeRuns(), "the sandbox's node holds the machine's lock");
      assertTrue(printed.lines().anyMatch(
          "SANDBOX failing-plugin FAILURE tasks=1/1 created=0 updated=0 failures=1"::equals), printed);
      Matcher output = Pattern.compile("task failing-plugin-\\S+ FAILURE: .*3.*\\(plugin output: (\\S+)\\)")
          .matcher(printed);
      assertTrue(output.find(), printed);
      assertEquals("boom-on-the-node\n", Files.readString(Path.of(output.group(1))));
      assertTrue(printed.lines().anyMatch(
          "SANDBOX inventory-aws SUCCESS tasks=3/3 created=12 updated=6 failures=0"::equals), printed);
      for (String secret : List.of("fake-dev-secret-key-do-not-use", "AKIAFAKEDEV000000001", "fake-prod-secret-key")) {
        assertFalse(printed.contains(secret), "secret data in the output");
      }

      try (KubernetesClient client = new KubernetesClientBuilder()
          .withConfig(Config.fromKubeconfig(Path.of(kubeconfig).toFile())).build()) {
        // The Job ends on its pods' terminated containers; a v1.33 kubelet writes the terminal phase only once the
        // pod's termination is complete, a moment later.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
          List<Pod> listed = client.pods().inNamespace("default").list().getItems();
          return listed.size() == 3 && listed.stream().allMatch(p -> "Succeeded".equals(p.getStatus().getPhase()));
        });
        List<Pod> pods = client.pods().inNamespace("default").list().getItems();
        assertEquals(3, pods.size(), pods.toString());
        for (Pod pod : pods) {
          String name = pod.getMetadata().getName();
          assertEquals(RealNode.NODE_NAME, pod.getSpec().getNodeName(), name);
          assertEquals("Succeeded", pod.getStatus().getPhase(), name);
          ContainerStateTerminated terminated = pod.getStatus().getContainerStatuses().get(0).getState()
              .getTerminated();
          assertNotNull(terminated, name + " " + pod.getStatus());
          assertTrue(terminated.getContainerID().startsWith("containerd://"), terminated.toString());
          assertTrue(terminated.getMessage().contains("\"created_count\": 4"), terminated.toString());
          // kube-apiserver asks the node's kubelet for the log.
          String log = client.pods().inNamespace("default").withName(name).getLog();
          assertTrue(log.contains("secret files:") && log.contains("result: {\"created_count\": 4"), log);
        }
      }
    } finally {
      stopping = System.nanoTime();
      sandbox.destroy(); // SIGTERM: the shutdown hooks run, as on Ctrl-C
      exited = sandbox.waitFor(3, TimeUnit.MINUTES);
      if (!exited) {
        ProcessTrees.kill(sandbox.toHandle(), Duration.ofSeconds(5));
      }
    }
    String printed = Files.readString(out);
    assertTrue(exited, "the sandbox did not stop within 3 minutes of SIGTERM:\n" + printed);
    System.out.printf("SandboxRealNodeTest: stopped (node and control plane removed) %d ms after SIGTERM%n",
        (System.nanoTime() - stopping) / 1_000_000);
    assertTrue(printed.contains("sandbox: stopped; the real node's pods, containers, mounts and network were removed"),
        printed);

    // Whether another run's node ran between the sysctls' first reading and this one (the sandbox's node waited
    // for it, or it runs now): its kubelet sets them too, so they are compared only when none did.
    Matcher logs = Pattern.compile("sandbox: logs in (\\S+) ").matcher(printed);
    assertTrue(logs.find(), printed);
    boolean waited = Files.readString(Path.of(logs.group(1), "sandbox.log")).contains("another real node runs");
    // Nothing left, checked while holding the machine's lock (so that no other run's node is starting meanwhile).
    try (FileChannel channel = FileChannel.open(Path.of(LOCK_FILE), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE)) {
      FileLock free = channel.tryLock();
      FileLock lock = free != null ? free : lock(channel);
      assertFalse(Files.exists(Path.of("/sys/class/net", RealNode.BRIDGE)), "bridge " + RealNode.BRIDGE + " left");
      assertFalse(Files.exists(Path.of(STATE_FILE)), STATE_FILE + " left");
      assertEquals(List.of(), processesMentioning(tmp.toString()), "processes of the sandbox's folders left");
      assertEquals(List.of(), mountsBelow(tmp), "mounts left");
      assertEquals(List.of(), kubepodsCgroups(), "kubepods cgroups left");
      try (Stream<Path> left = Files.list(tmp)) {
        assertEquals(List.of(), left.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("spaceone-e2e-"))
            .toList(), "the control plane's folder (with the node's) left");
      }
      HOST_PATHS.forEach(p -> assertEquals(hostPathsBefore.get(p), Files.exists(Path.of(p)), p));
      if (free != null && !waited) {
        assertEquals(sysctlsBefore, sysctls(), "sysctls the kubelet changed are put back");
      } else {
        System.out.println("SandboxRealNodeTest: another run's real node ran meanwhile; sysctls not compared");
      }
      lock.release();
    }
  }

  private static FileLock lock(FileChannel channel) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + LOCK_WAIT.toNanos();
    while (true) {
      FileLock lock = channel.tryLock();
      if (lock != null) {
        return lock;
      }
      assertTrue(System.nanoTime() < deadline, "another real node held " + LOCK_FILE + " for " + LOCK_WAIT);
      Thread.sleep(500);
    }
  }

  private static Map<String, String> sysctls() throws IOException {
    Map<String, String> values = new LinkedHashMap<>();
    for (String key : SYSCTLS) {
      // readAllLines: Files.readString reads "10" from a sysctl file as "1" (see RealNode.readSysctl).
      values.put(key, String.join("\n", Files.readAllLines(Path.of("/proc/sys", key))).strip());
    }
    return values;
  }

  private static List<String> processesMentioning(String text) {
    List<String> found = new ArrayList<>();
    ProcessHandle.allProcesses().filter(h -> h.pid() != ProcessHandle.current().pid()).forEach(h -> {
      try {
        String cmdline = new String(Files.readAllBytes(Path.of("/proc", Long.toString(h.pid()), "cmdline")),
            StandardCharsets.UTF_8).replace('\0', ' ');
        if (cmdline.contains(text)) {
          found.add(h.pid() + " " + cmdline);
        }
      } catch (IOException gone) {
        // exited meanwhile
      }
    });
    return found;
  }

  private static List<String> mountsBelow(Path folder) throws IOException {
    return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().map(l -> l.split(" ")[4])
        .filter(m -> m.startsWith(folder.toString())).toList();
  }

  private static List<String> kubepodsCgroups() throws IOException {
    List<String> found = new ArrayList<>();
    try (Stream<Path> controllers = Files.list(Path.of("/sys/fs/cgroup"))) {
      for (Path controller : controllers.toList()) {
        for (String tree : List.of("kubepods", "k8s.io")) {
          if (Files.isDirectory(controller.resolve(tree))) {
            found.add(controller.resolve(tree).toString());
          }
        }
      }
    }
    return found;
  }
}
