package dev.spaceone.testkit;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real Kubernetes node on this machine for a {@link LocalControlPlane} started with {@link LocalControlPlane#startForNodes()}:
 * Debian's containerd, runc and CNI plugins and the kubelet built by {@code e2e/install-control-plane.sh}, following
 * {@code real-node-recipe.md}.
 *
 * <p>All state lives in the control plane's temp folder ({@code <workDir>/node}): containerd's root, state and
 * socket, runc's state, the CNI configuration and IP leases, the kubelet's root, certificates and pod logs. The
 * network is a bridge this class creates ({@value #BRIDGE}, {@value #NODE_IP}/24, also the node IP) that pods join
 * through CNI {@code bridge} with {@code isGateway: false} and {@code ipMasq: false}: nothing is routed off the
 * machine and {@code net.ipv4.ip_forward} is not touched.
 *
 * <p>The kubelet uses fixed host paths (its device-plugin socket, {@code /var/log/containers}, the {@code kubepods}
 * cgroups), so one node runs per machine: a lock file ({@value #LOCK_FILE}) is held from start to close, a second
 * node waits for it. {@link #close()} (also from a shutdown hook) removes everything: the pods (through the kubelet),
 * the kubelet, containers and shims (by pid), containerd, mounts below the folder, the cgroups, the bridge and the
 * pods' network namespaces, the host paths the kubelet and CNI leave, and the sysctls the kubelet changed. The pids
 * and the folder are also written to {@value #STATE_FILE}, so that a run killed before it could clean up is cleaned
 * up by the next one.
 */
public final class RealNode implements AutoCloseable {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RealNode.class);

  public static final String NODE_NAME = "spaceone-e2e-node";
  public static final String BRIDGE = "so-e2e-br0";
  public static final String NODE_IP = "10.213.8.1";
  /**
   * The bridge's fixed MAC (locally administered). Without one, Linux gives a bridge the lowest MAC of its ports and
   * changes it when that port (a finished pod's veth) leaves; a running pod's ARP entry for {@link #NODE_IP} then
   * names a MAC nobody has, and since the replies it still receives keep that entry confirmed, the pod can send
   * nothing to the node or the apiserver until it is restarted (seen as an operator pod whose probes time out).
   */
  public static final String BRIDGE_MAC = "02:53:4f:08:00:01";
  public static final String SUBNET = "10.213.8.0/24";
  public static final String CNI_NETWORK = "spaceone-e2e";
  public static final String PAUSE_IMAGE = "registry.k8s.io/pause:3.10";
  /**
   * The {@code kubernetes} Service's address (first of {@link LocalControlPlane#SERVICE_CLUSTER_IP_RANGE}), which the
   * kubelet gives pods as KUBERNETES_SERVICE_HOST. There is no kube-proxy: the node puts this address on its bridge,
   * pods route the service range to the node, and {@link ApiServerForwarder} relays port 443 to the apiserver on
   * loopback. Local delivery only: nothing is forwarded between interfaces.
   */
  public static final String KUBERNETES_SERVICE_IP = "10.0.0.1";
  static final String LOCK_FILE = "/run/lock/spaceone-job-operator-real-node.lock";
  static final String STATE_FILE = "/run/spaceone-job-operator-real-node.state";
  static final String CNI_BIN = "/usr/lib/cni";
  static final List<String> HOST_TOOLS = List.of("containerd", "containerd-shim-runc-v2", "ctr", "runc", "ip",
      "mount", "umount");
  /** Sysctls the kubelet sets (protectKernelDefaults false); put back on close. */
  static final List<String> KUBELET_SYSCTLS = List.of("vm/overcommit_memory", "kernel/panic", "kernel/panic_on_oops",
      "net/ipv4/ip_forward");
  private static final Duration LOCK_TIMEOUT = Duration.ofMinutes(10);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration PODS_GONE_TIMEOUT = Duration.ofSeconds(60);

  private final LocalControlPlane plane;
  private final Path dir;
  private final Path socket;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final Map<String, String> sysctls = new LinkedHashMap<>();
  private final Set<String> hostPathsBefore = new TreeSet<>();
  private final Set<String> netnsBefore = new TreeSet<>();
  private final List<Process> children = new ArrayList<>();
  private final Thread shutdownHook;
  private Process containerd;
  private Process kubelet;
  private ApiServerForwarder forwarder;
  private volatile boolean closed;
  private Duration startTime;

  // ---------------------------------------------------------------- availability

  /** Why a real node cannot run here (not root, a missing package or binary), or empty. */
  public static Optional<String> unavailableReason() {
    List<String> problems = new ArrayList<>();
    if (!isRoot()) {
      problems.add("not root (the kubelet and containerd need root: mounts, cgroups, network namespaces)");
    }
    for (String tool : HOST_TOOLS) {
      if (which(tool).isEmpty()) {
        problems.add(tool + " not on PATH");
      }
    }
    for (String plugin : List.of("bridge", "host-local", "loopback")) {
      if (!Files.isExecutable(Paths.get(CNI_BIN, plugin))) {
        problems.add("CNI plugin " + CNI_BIN + "/" + plugin + " missing");
      }
    }
    if (!Files.isExecutable(LocalControlPlane.binDir().resolve("kubelet"))) {
      problems.add("kubelet not in " + LocalControlPlane.binDir());
    }
    LocalControlPlane.missingBinaries(LocalControlPlane.NODE_BINARIES).ifPresent(problems::add);
    if (problems.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of("no real node: " + String.join("; ", problems)
        + " (as root: apt-get install containerd runc containernetworking-plugins, then e2e/install-control-plane.sh)");
  }

  /**
   * Whether another real node holds this machine's lock now, so that a start would wait for it. Not while this JVM
   * runs a node: closing the probe's file would release that node's lock (POSIX record locks are per process).
   */
  public static boolean anotherNodeRuns() {
    try (FileChannel channel = FileChannel.open(Paths.get(LOCK_FILE), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE)) {
      FileLock probe = channel.tryLock();
      if (probe == null) {
        return true;
      }
      probe.release();
      return false;
    } catch (IOException | java.nio.channels.OverlappingFileLockException e) {
      return false;
    }
  }

  static boolean isRoot() {
    try {
      return Files.readAllLines(Paths.get("/proc/self/status")).stream()
          .anyMatch(l -> l.startsWith("Uid:") && l.split("\\s+")[1].equals("0"));
    } catch (IOException e) {
      return false;
    }
  }

  public static Optional<Path> which(String tool) {
    String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin";
    for (String d : path.split(File.pathSeparator)) {
      if (!d.isEmpty() && Files.isExecutable(Paths.get(d, tool))) {
        return Optional.of(Paths.get(d, tool));
      }
    }
    return Optional.empty();
  }

  // ---------------------------------------------------------------- starting

  /**
   * Starts containerd and the kubelet for {@code plane}, imports the OCI archives {@code images} (the pause image
   * among them) and waits until the Node is Ready without taints.
   */
  public static RealNode start(LocalControlPlane plane, List<Path> images) {
    unavailableReason().ifPresent(reason -> {
      throw new IllegalStateException(reason);
    });
    RealNode node = new RealNode(plane);
    try {
      node.startAll(images);
      return node;
    } catch (RuntimeException | Error e) {
      node.close();
      throw e;
    }
  }

  private RealNode(LocalControlPlane plane) {
    this.plane = plane;
    this.dir = plane.workDir().resolve("node");
    this.socket = dir.resolve("containerd/containerd.sock");
    try {
      Files.createDirectories(Paths.get(LOCK_FILE).getParent());
      lockChannel = FileChannel.open(Paths.get(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      lock = acquire(lockChannel);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    shutdownHook = new Thread(this::cleanUp, "spaceone-real-node-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    plane.stopsFirst(this);
  }

  private static FileLock acquire(FileChannel channel) throws IOException {
    long deadline = System.nanoTime() + LOCK_TIMEOUT.toNanos();
    boolean told = false;
    while (true) {
      FileLock l = channel.tryLock();
      if (l != null) {
        return l;
      }
      if (!told) {
        LOG.warn("another real node runs on this machine (" + LOCK_FILE + "); waiting for it");
        told = true;
      }
      if (System.nanoTime() > deadline) {
        channel.close();
        throw new IllegalStateException("another real node held " + LOCK_FILE + " for " + LOCK_TIMEOUT);
      }
      LocalControlPlane.sleep(500);
    }
  }

  private void startAll(List<Path> images) {
    long started = System.nanoTime();
    cleanUpStaleRun();
    for (String path : List.of("/var/lib/kubelet", "/var/log/containers", "/var/log/pods", "/var/lib/cni",
        "/run/containerd", "/run/netns", "/opt/cni", "/etc/cni")) {
      if (Files.exists(Paths.get(path))) {
        hostPathsBefore.add(path);
      }
    }
    netnsBefore.addAll(list(Paths.get("/run/netns")));
    for (String key : KUBELET_SYSCTLS) {
      sysctls.put(key, readSysctl(key));
    }
    try {
      for (String sub : List.of("containerd/root", "containerd/state", "runc", "cni/net.d", "cni/ipam", "kubelet",
          "kubelet/pki", "pod-logs", "volume-plugins", "logs")) {
        Files.createDirectories(dir.resolve(sub));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    createBridge();
    forwarder = ApiServerForwarder.start(KUBERNETES_SERVICE_IP, 443,
        java.net.URI.create(plane.apiServerUrl()).getPort());
    writeCniConfig();
    containerd = spawn("containerd", List.of(which("containerd").orElseThrow().toString(),
        "--config", writeContainerdConfig().toString()));
    waitUntil("containerd to answer", Duration.ofSeconds(30), containerd,
        () -> run(Duration.ofSeconds(10), ctrCommand("version")).ok());
    for (Path image : images) {
      run(Duration.ofMinutes(2), ctrCommand("-n", "k8s.io", "images", "import", image.toString()))
          .check("import " + image);
    }
    writeState();
    Path nodeKubeconfig = plane.kubeconfigForUser("system:node:" + NODE_NAME, "system:nodes");
    kubelet = spawn("kubelet", List.of(LocalControlPlane.binDir().resolve("kubelet").toString(),
        "--config=" + writeKubeletConfig(),
        "--kubeconfig=" + nodeKubeconfig,
        "--root-dir=" + dir.resolve("kubelet"),
        "--cert-dir=" + dir.resolve("kubelet/pki"),
        "--hostname-override=" + NODE_NAME,
        "--node-ip=" + NODE_IP,
        "--v=1"));
    writeState();
    KubernetesClient client = plane.client();
    waitUntil("node " + NODE_NAME + " to be Ready without taints", READY_TIMEOUT, kubelet, () -> {
      Node n = client.nodes().withName(NODE_NAME).get();
      return n != null && n.getStatus() != null && n.getStatus().getConditions() != null
          && n.getStatus().getConditions().stream()
          .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()))
          && (n.getSpec().getTaints() == null || n.getSpec().getTaints().isEmpty());
    });
    startTime = Duration.ofNanos(System.nanoTime() - started);
    LOG.info(String.format(Locale.ROOT, "real node %s Ready in %.1fs (containerd + %d images + kubelet), folder %s",
        NODE_NAME, startTime.toNanos() / 1e9, images.size(), dir));
  }

  // ---------------------------------------------------------------- what tests use

  /** The Node's name. */
  public String name() {
    return NODE_NAME;
  }

  /** From the start of containerd to the Node Ready. */
  public Duration startTime() {
    return startTime;
  }

  /** The node's folder (containerd, kubelet, CNI, logs). */
  public Path dir() {
    return dir;
  }

  /** The bridge's MAC now, from sysfs: {@link #BRIDGE_MAC} unless something changed it. */
  public static String bridgeMac() {
    try {
      return Files.readString(Paths.get("/sys/class/net", BRIDGE, "address")).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("no bridge " + BRIDGE, e);
    }
  }

  /** containerd's socket. */
  public Path containerdSocket() {
    return socket;
  }

  /** Runs {@code ctr} against this node's containerd (namespace k8s.io) and returns its output; fails unless it exits 0. */
  public String ctr(String... args) {
    List<String> command = ctrCommand("-n", "k8s.io");
    command.addAll(List.of(args));
    return run(Duration.ofMinutes(2), command).check("ctr " + String.join(" ", args)).output();
  }

  /** The kubelet and containerd processes (for resource measurements), while they run. */
  public Map<String, Long> pids() {
    Map<String, Long> pids = new LinkedHashMap<>();
    if (kubelet != null && kubelet.isAlive()) {
      pids.put("kubelet", kubelet.pid());
    }
    if (containerd != null && containerd.isAlive()) {
      pids.put("containerd", containerd.pid());
    }
    return pids;
  }

  /** The log of {@code kubelet} or {@code containerd}. */
  public Path logFile(String component) {
    return dir.resolve("logs").resolve(component + ".log");
  }

  // ---------------------------------------------------------------- configuration files

  private void createBridge() {
    if (run(Duration.ofSeconds(10), List.of("ip", "link", "show", BRIDGE)).ok()) {
      run(Duration.ofSeconds(10), List.of("ip", "link", "del", BRIDGE)).check("delete the stale bridge");
    }
    run(Duration.ofSeconds(10), List.of("ip", "link", "add", BRIDGE, "address", BRIDGE_MAC, "type", "bridge"))
        .check("create the bridge");
    run(Duration.ofSeconds(10), List.of("ip", "addr", "add", NODE_IP + "/24", "dev", BRIDGE)).check("address it");
    run(Duration.ofSeconds(10), List.of("ip", "addr", "add", KUBERNETES_SERVICE_IP + "/32", "dev", BRIDGE))
        .check("give it the kubernetes Service address");
    run(Duration.ofSeconds(10), List.of("ip", "link", "set", BRIDGE, "up")).check("bring it up");
  }

  private void writeCniConfig() {
    // isGateway false: the bridge plugin neither routes nor sets ip_forward; the bridge address (ours) is on-link.
    String conflist = """
        {
          "cniVersion": "1.0.0",
          "name": "%s",
          "plugins": [
            {
              "type": "bridge",
              "bridge": "%s",
              "isGateway": false,
              "ipMasq": false,
              "hairpinMode": false,
              "ipam": {
                "type": "host-local",
                "ranges": [[{"subnet": "%s", "rangeStart": "10.213.8.10", "rangeEnd": "10.213.8.250"}]],
                "routes": [{"dst": "%s/32", "gw": "%s"}],
                "dataDir": "%s"
              }
            }
          ]
        }
        """.formatted(CNI_NETWORK, BRIDGE, SUBNET, KUBERNETES_SERVICE_IP, NODE_IP, dir.resolve("cni/ipam"));
    Pki.writeString(dir.resolve("cni/net.d/10-spaceone-e2e.conflist"), conflist);
  }

  private Path writeContainerdConfig() {
    // restrict_oom_score_adj: root here lacks CAP_SYS_RESOURCE, so runc cannot give the sandbox a negative
    // oom_score_adj and every pod fails ("can't get final child's PID from pipe: EOF") without it.
    String toml = """
        version = 2
        root = "%1$s/containerd/root"
        state = "%1$s/containerd/state"
        disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
          "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs",
          "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]

        [grpc]
          address = "%2$s"

        [plugins."io.containerd.internal.v1.opt"]
          path = "%1$s/containerd/opt"

        [plugins."io.containerd.grpc.v1.cri"]
          sandbox_image = "%3$s"
          restrict_oom_score_adj = true
          stream_server_address = "127.0.0.1"
          stream_server_port = "0"
          enable_selinux = false
          [plugins."io.containerd.grpc.v1.cri".containerd]
            snapshotter = "overlayfs"
            default_runtime_name = "runc"
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
              runtime_type = "io.containerd.runc.v2"
              [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
                SystemdCgroup = false
                Root = "%1$s/runc"
          [plugins."io.containerd.grpc.v1.cri".cni]
            bin_dir = "%4$s"
            conf_dir = "%1$s/cni/net.d"
            max_conf_num = 1
        """.formatted(dir, socket, PAUSE_IMAGE, CNI_BIN);
    Path file = dir.resolve("containerd/config.toml");
    Pki.writeString(file, toml);
    return file;
  }

  private Path writeKubeletConfig() {
    String yaml = """
        apiVersion: kubelet.config.k8s.io/v1beta1
        kind: KubeletConfiguration
        # cgroup v1 without systemd on these machines
        cgroupDriver: cgroupfs
        failSwapOn: false
        address: %1$s
        port: %2$d
        readOnlyPort: 0
        healthzBindAddress: 127.0.0.1
        healthzPort: %3$d
        authentication:
          anonymous:
            enabled: false
          webhook:
            enabled: true
          x509:
            clientCAFile: %4$s
        authorization:
          mode: Webhook
        containerRuntimeEndpoint: unix://%5$s
        imageServiceEndpoint: unix://%5$s
        podLogsDir: %6$s/pod-logs
        volumePluginDir: %6$s/volume-plugins
        # The images are imported, never pulled: never collect them.
        imageGCHighThresholdPercent: 100
        imageGCLowThresholdPercent: 99
        evictionHard:
          memory.available: 100Mi
          nodefs.available: 1%%
          imagefs.available: 1%%
          nodefs.inodesFree: 1%%
        # No iptables rules of the kubelet's own on the machine.
        makeIPTablesUtilChains: false
        serializeImagePulls: false
        registerNode: true
        rotateCertificates: false
        """.formatted(NODE_IP, LocalControlPlane.freePort(), LocalControlPlane.freePort(), plane.clientCaPath(), socket, dir);
    Path file = dir.resolve("kubelet/config.yaml");
    Pki.writeString(file, yaml);
    return file;
  }

  // ---------------------------------------------------------------- stopping

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs
    }
    cleanUp();
  }

  private synchronized void cleanUp() {
    if (closed) {
      return;
    }
    closed = true;
    long started = System.nanoTime();
    try {
      deletePodsThroughTheKubelet();
      stop(kubelet, "kubelet");
      removeContainers();
      stop(containerd, "containerd");
      if (forwarder != null) {
        forwarder.close();
      }
      children.forEach(p -> stop(p, "child"));
      tearDownHost(dir, socket.toString());
      restoreSysctls();
      Files.deleteIfExists(Paths.get(STATE_FILE));
      LOG.info(String.format(Locale.ROOT, "real node removed in %.1fs", (System.nanoTime() - started) / 1e9));
    } catch (IOException | RuntimeException e) {
      LOG.warn("real node clean-up incomplete: " + e, e);
    } finally {
      try {
        lock.release();
        lockChannel.close();
      } catch (IOException ignored) {
        // closing releases it anyway
      }
    }
  }

  /** Pods are stopped by the kubelet (which also calls CNI DEL and unmounts their volumes). */
  private void deletePodsThroughTheKubelet() {
    if (kubelet == null || !kubelet.isAlive()) {
      return;
    }
    try {
      KubernetesClient client = plane.client();
      // Cordoned first: a controller still running (an operator whose pods are deleted) cannot put new ones here.
      client.nodes().withName(NODE_NAME).edit(n -> {
        n.getSpec().setUnschedulable(true);
        return n;
      });
      List<Pod> pods = client.pods().inAnyNamespace().withField("spec.nodeName", NODE_NAME).list().getItems();
      for (Pod pod : pods) {
        var resource = client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName());
        if (pod.getMetadata().getFinalizers() != null && !pod.getMetadata().getFinalizers().isEmpty()) {
          resource.edit(p -> {
            p.getMetadata().setFinalizers(List.of());
            return p;
          });
        }
        resource.withGracePeriod(1).delete();
      }
      long deadline = System.nanoTime() + PODS_GONE_TIMEOUT.toNanos();
      while (System.nanoTime() < deadline
          && !client.pods().inAnyNamespace().withField("spec.nodeName", NODE_NAME).list().getItems().isEmpty()) {
        LocalControlPlane.sleep(250);
      }
    } catch (RuntimeException e) {
      LOG.warn("could not delete the node's pods through the kubelet: " + e);
    }
  }

  private void removeContainers() {
    if (containerd == null || !containerd.isAlive()) {
      return;
    }
    for (String id : lines(run(Duration.ofSeconds(30), ctrCommand("-n", "k8s.io", "tasks", "ls", "-q")).output())) {
      run(Duration.ofSeconds(30), ctrCommand("-n", "k8s.io", "tasks", "kill", "-s", "SIGKILL", id));
      run(Duration.ofSeconds(30), ctrCommand("-n", "k8s.io", "tasks", "delete", "-f", id));
    }
    for (String id : lines(run(Duration.ofSeconds(30), ctrCommand("-n", "k8s.io", "containers", "ls", "-q")).output())) {
      run(Duration.ofSeconds(30), ctrCommand("-n", "k8s.io", "containers", "delete", id));
    }
  }

  /** What a node leaves on the host, for {@code folder} and its containerd socket (also a stale run's). */
  private void tearDownHost(Path folder, String containerdSocket) {
    // Shims (and anything else) still started for this folder's containerd.
    for (long pid : processesMentioning(List.of(containerdSocket, folder.toString()))) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
    unmountBelow(folder);
    // Network namespaces of pods that CNI DEL did not remove (a kubelet that died first).
    for (String ns : list(Paths.get("/run/netns"))) {
      if (ns.startsWith("cni-") && !netnsBefore.contains(ns)) {
        run(Duration.ofSeconds(10), List.of("umount", "/run/netns/" + ns));
        try {
          Files.deleteIfExists(Paths.get("/run/netns", ns));
        } catch (IOException e) {
          LOG.warn("could not remove /run/netns/" + ns + ": " + e);
        }
      }
    }
    removeCgroups();
    if (run(Duration.ofSeconds(10), List.of("ip", "link", "show", BRIDGE)).ok()) {
      run(Duration.ofSeconds(10), List.of("ip", "link", "del", BRIDGE));
    }
    // Host paths: the kubelet's fixed folders, its log symlinks, libcni's result cache, shim sockets.
    Path containersLog = Paths.get("/var/log/containers");
    for (String link : list(containersLog)) {
      Path p = containersLog.resolve(link);
      try {
        if (Files.isSymbolicLink(p) && Files.readSymbolicLink(p).startsWith(folder)) {
          Files.delete(p);
        }
      } catch (IOException e) {
        LOG.warn("could not remove " + p + ": " + e);
      }
    }
    Path cniResults = Paths.get("/var/lib/cni/results");
    for (String result : list(cniResults)) {
      if (result.startsWith(CNI_NETWORK + "-")) {
        LocalControlPlane.deleteRecursively(cniResults.resolve(result));
      }
    }
    for (String path : List.of("/var/lib/kubelet", "/var/log/containers", "/var/log/pods", "/var/lib/cni",
        "/run/containerd", "/opt/cni", "/etc/cni")) {
      if (!hostPathsBefore.contains(path)) {
        LocalControlPlane.deleteRecursively(Paths.get(path));
      }
    }
  }

  private void removeCgroups() {
    boolean v2 = Files.exists(Paths.get("/sys/fs/cgroup/cgroup.controllers"));
    List<Path> roots = new ArrayList<>();
    for (String tree : List.of("kubepods", "k8s.io")) {
      if (v2) {
        roots.add(Paths.get("/sys/fs/cgroup", tree));
      } else {
        for (String controller : list(Paths.get("/sys/fs/cgroup"))) {
          if (!Files.isSymbolicLink(Paths.get("/sys/fs/cgroup", controller))) {
            roots.add(Paths.get("/sys/fs/cgroup", controller, tree));
          }
        }
      }
    }
    for (Path root : roots) {
      if (!Files.isDirectory(root)) {
        continue;
      }
      try (Stream<Path> walk = Files.walk(root)) {
        // rmdir, deepest first; a cgroup that still has processes stays
        walk.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).forEach(d -> d.toFile().delete());
      } catch (IOException | UncheckedIOException e) {
        LOG.warn("could not remove cgroups " + root + ": " + e);
      }
    }
  }

  private void unmountBelow(Path folder) {
    for (int round = 0; round < 3; round++) {
      List<String> mounts = mountPointsBelow(folder);
      if (mounts.isEmpty()) {
        return;
      }
      for (String mount : mounts) {
        if (!run(Duration.ofSeconds(30), List.of("umount", mount)).ok()) {
          run(Duration.ofSeconds(30), List.of("umount", "-l", mount));
        }
      }
    }
    List<String> left = mountPointsBelow(folder);
    if (!left.isEmpty()) {
      LOG.warn("mounts left below " + folder + ": " + left);
    }
  }

  /** Mount points below {@code folder}, deepest first (from /proc/self/mountinfo; octal escapes decoded). */
  static List<String> mountPointsBelow(Path folder) {
    String prefix = folder.toString() + "/";
    try {
      return Files.readAllLines(Paths.get("/proc/self/mountinfo")).stream()
          .map(l -> l.split(" ")[4].replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n")
              .replace("\\134", "\\"))
          .filter(m -> m.startsWith(prefix) || m.equals(folder.toString()))
          .distinct()
          .sorted(Comparator.comparingInt(String::length).reversed())
          .collect(Collectors.toList());
    } catch (IOException e) {
      return List.of();
    }
  }

  private void restoreSysctls() {
    sysctls.forEach((key, value) -> {
      if (value != null && !value.equals(readSysctl(key))) {
        try {
          Files.writeString(Paths.get("/proc/sys", key), value + "\n");
        } catch (IOException e) {
          LOG.warn("could not put back " + key + "=" + value + ": " + e);
        }
      }
    });
  }

  // ---------------------------------------------------------------- a killed run's leftovers

  private void writeState() {
    StringBuilder text = new StringBuilder("folder " + dir + "\nsocket " + socket + "\n");
    for (Process p : Stream.of(containerd, kubelet).filter(p -> p != null).toList()) {
      text.append("pid ").append(p.pid()).append('\n');
    }
    Pki.writeString(Paths.get(STATE_FILE), text.toString());
  }

  /** If a previous run was killed before its clean-up (its state file is still there), clean up after it. */
  private void cleanUpStaleRun() {
    Path state = Paths.get(STATE_FILE);
    if (!Files.exists(state)) {
      return;
    }
    try {
      List<String> lines = Files.readAllLines(state);
      Path folder = null;
      String sock = null;
      for (String line : lines) {
        String[] kv = line.split(" ", 2);
        switch (kv[0]) {
          case "folder" -> folder = Paths.get(kv[1]);
          case "socket" -> sock = kv[1];
          case "pid" -> {
            long pid = Long.parseLong(kv[1]);
            Path f = folder;
            ProcessHandle.of(pid).filter(h -> h.info().commandLine().map(c -> f != null && c.contains(f.toString()))
                .orElse(false)).ifPresent(ProcessHandle::destroyForcibly);
          }
          default -> { }
        }
      }
      if (folder != null) {
        LOG.warn("cleaning up after a real node that was not stopped: " + folder);
        tearDownHost(folder, sock == null ? folder.toString() : sock);
        LocalControlPlane.deleteRecursively(folder);
      }
      Files.deleteIfExists(state);
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not clean up the stale real node of " + state + ": " + e);
    }
  }

  // ---------------------------------------------------------------- processes and commands

  private Process spawn(String name, List<String> command) {
    Path log = logFile(name);
    try {
      Files.writeString(log, "$ " + String.join(" ", command) + "\n", StandardCharsets.UTF_8);
      ProcessBuilder builder = new ProcessBuilder(LocalControlPlane.inOwnSession(command)).directory(dir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      builder.environment().remove("KUBECONFIG");
      builder.environment().remove("CONTAINERD_ADDRESS");
      Process process = builder.start();
      children.add(process);
      return process;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command.get(0), e);
    }
  }

  private static void stop(Process process, String name) {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        LOG.warn(name + " did not stop on SIGTERM in 15s; killing it");
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private void waitUntil(String what, Duration timeout, Process process, java.util.function.BooleanSupplier ok) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException("while waiting for " + what + ", " + process.info().command().orElse("")
            + " exited with " + process.exitValue() + ":\n" + LocalControlPlane.tail(logFile(name(process))));
      }
      try {
        if (ok.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException notYet) {
        // e.g. the Node is not registered yet
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out after " + timeout + " waiting for " + what + ":\n"
            + LocalControlPlane.tail(logFile(name(process))));
      }
      LocalControlPlane.sleep(200);
    }
  }

  private String name(Process process) {
    return process == kubelet ? "kubelet" : "containerd";
  }

  private List<String> ctrCommand(String... args) {
    List<String> command = new ArrayList<>(List.of(which("ctr").orElseThrow().toString(), "--address",
        socket.toString()));
    command.addAll(List.of(args));
    return command;
  }

  /** A command's exit code and output (standard error included). */
  record Result(List<String> command, int exitCode, String output) {
    boolean ok() {
      return exitCode == 0;
    }

    Result check(String what) {
      if (exitCode != 0) {
        throw new IllegalStateException(what + " failed: " + String.join(" ", command) + " -> exit " + exitCode
            + "\n" + output);
      }
      return this;
    }
  }

  static Result run(Duration timeout, List<String> command) {
    try {
      Path out = Files.createTempFile("spaceone-node-cmd", ".out");
      try {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly();
          return new Result(command, -1, "timed out after " + timeout);
        }
        return new Result(command, p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      return new Result(command, -1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(command, -1, e.toString());
    }
  }

  /** Pids of processes whose command line contains one of {@code needles}. */
  static List<Long> processesMentioning(List<String> needles) {
    long self = ProcessHandle.current().pid();
    return ProcessHandle.allProcesses()
        .filter(h -> h.pid() != self)
        .filter(h -> cmdline(h.pid()).map(c -> needles.stream().anyMatch(c::contains)).orElse(false))
        .map(ProcessHandle::pid)
        .collect(Collectors.toList());
  }

  private static Optional<String> cmdline(long pid) {
    try {
      return Optional.of(new String(Files.readAllBytes(Paths.get("/proc", Long.toString(pid), "cmdline")),
          StandardCharsets.UTF_8).replace('\0', ' '));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * A sysctl's value, read through a buffered reader: {@code Files.readString} returned "1" for a kernel.panic of
   * "10" (a sysctl file answers only a read at offset 0, and readString reads a file of size 0 in several reads),
   * so kernel.panic was never put back.
   */
  static String readSysctl(String key) {
    try {
      return String.join("\n", Files.readAllLines(Paths.get("/proc/sys", key))).trim();
    } catch (IOException e) {
      return null;
    }
  }

  private static List<String> list(Path folder) {
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(folder)) {
      return files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    } catch (IOException e) {
      return List.of();
    }
  }

  private static List<String> lines(String text) {
    return text.lines().map(String::trim).filter(l -> !l.isEmpty()).collect(Collectors.toList());
  }
}
