package dev.spaceone.operator.sandbox;

import dev.spaceone.operator.api.Labels;
import dev.spaceone.operator.desired.TaskPodBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandbox's kubelet: runs each task pod's container command ({@code command} + {@code args}) as a local process
 * instead of the image, with the pod's volumes as a private {@link TaskWorkspace} (task.json from the pod's
 * annotation, the Secret's files read from the API server, as a kubelet reads them) and its environment as
 * {@link PodEnvironment} builds it. It moves the pod Pending -> Running -> Succeeded/Failed through the status
 * subresource, writes the result file (at most 4096 bytes) as the container's termination message with the exit
 * code, fails the pod at its {@code activeDeadlineSeconds} (reason DeadlineExceeded) and kills the process tree of a
 * pod that is deleted. Each pod's output goes to {@code LOGS/<pod>.log}, never to the sandbox's own output.
 */
public final class LocalKubelet implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalKubelet.class);
  /** Exit code of a command that does not exist, as a shell reports it. */
  public static final int COMMAND_NOT_FOUND = 127;
  static final Duration KILL_GRACE = Duration.ofSeconds(2);
  static final Duration PORT_POLL = Duration.ofMillis(25);

  private final KubernetesClient client;
  private final Path workRoot;
  private final Path logDir;
  private final Consumer<String> notes;
  private final String hostPath = System.getenv("PATH");
  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "local-kubelet");
    t.setDaemon(true);
    return t;
  });
  private final Set<String> admitted = ConcurrentHashMap.newKeySet();
  private final Map<String, Process> running = new ConcurrentHashMap<>();
  private final Map<String, Process> sidecars = new ConcurrentHashMap<>();
  private final Path venv = defaultVenv(System.getenv());
  private final Set<String> deleted = ConcurrentHashMap.newKeySet();
  private final SharedIndexInformer<Pod> informer;
  private volatile boolean closed;

  /**
   * @param workRoot where the pods' private folders are made
   * @param logDir where each pod's output goes
   * @param notes receives one line for each thing a newcomer should be told (e.g. a command that does not exist)
   */
  public LocalKubelet(KubernetesClient client, Path workRoot, Path logDir, Consumer<String> notes) {
    this.client = client;
    this.workRoot = workRoot;
    this.logDir = logDir;
    this.notes = notes;
    this.informer = client.pods().inAnyNamespace().withLabel(Labels.MANAGED_BY, Labels.OPERATOR)
        .inform(new ResourceEventHandler<>() {
          @Override
          public void onAdd(Pod pod) {
            admit(pod);
          }

          @Override
          public void onUpdate(Pod old, Pod pod) {
            if (pod.getMetadata().getDeletionTimestamp() != null) {
              stop(pod);
            } else {
              admit(pod);
            }
          }

          @Override
          public void onDelete(Pod pod, boolean unknown) {
            stop(pod);
          }
        });
  }

  /** The log file of a pod's main process. */
  public Path logFile(String podName) {
    return logDir.resolve(podName + ".log");
  }

  /** What a container of a pod printed, as pods/log serves it: the main container's unless named; null if none. */
  public String log(String podName, String container) {
    Path file = container != null && !container.isEmpty() && !logFile(podName + "." + container).equals(logFile(podName))
        && Files.exists(logFile(podName + "." + container)) ? logFile(podName + "." + container) : logFile(podName);
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
    } catch (IOException e) {
      return null;
    }
  }

  private void admit(Pod pod) {
    if (closed || isEnded(pod) || pod.getMetadata().getDeletionTimestamp() != null
        || !admitted.add(pod.getMetadata().getUid())) {
      return;
    }
    executor.execute(() -> run(pod));
  }

  private void stop(Pod pod) {
    deleted.add(pod.getMetadata().getUid());
    stopSidecar(pod.getMetadata().getUid());
    Process process = running.get(pod.getMetadata().getUid());
    if (process != null) {
      LOG.info("pod {}/{} is being deleted: stopping its process", pod.getMetadata().getNamespace(),
          pod.getMetadata().getName());
      ProcessTrees.kill(process.toHandle(), KILL_GRACE);
    }
  }

  private void run(Pod pod) {
    String name = pod.getMetadata().getName();
    String uid = pod.getMetadata().getUid();
    Container container = pod.getSpec().getContainers().get(0);
    Optional<Container> sidecar = nativeSidecar(pod);
    editStatus(pod, status -> {
      status.setPhase("Pending");
      status.setConditions(List.of(new PodConditionBuilder().withType("PodScheduled").withStatus("True")
          .withLastTransitionTime(now()).build()));
    });
    try (TaskWorkspace workspace = TaskWorkspace.create(workRoot, name)) {
      String taskJson = pod.getMetadata().getAnnotations() == null ? null
          : pod.getMetadata().getAnnotations().get(TaskPodBuilder.TASK_JSON_ANNOTATION);
      workspace.writeTaskJson(taskJson == null ? "{}" : taskJson);
      for (Map.Entry<String, Path> volume : Map.of("secret", workspace.secretDir(), "sink", workspace.sinkDir())
          .entrySet()) {
        Optional<String> secretName = secretVolume(pod, volume.getKey());
        if (secretName.isEmpty()) {
          continue;
        }
        Map<String, byte[]> data = secretData(pod.getMetadata().getNamespace(), secretName.get());
        if (data == null) {
          failWithoutRunning(pod, "FailedMount", "Secret " + secretName.get() + " not found");
          notes.accept("pod " + name + ": its Secret " + secretName.get() + " does not exist in namespace "
              + pod.getMetadata().getNamespace() + "; apply it with the Job");
          return;
        }
        workspace.writeSecret(volume.getValue(), data);
      }
      String path = podPath(hostPath, venv);
      Map<String, String> endpoint = Map.of();
      if (sidecar.isPresent()) {
        Optional<Integer> port = startSidecar(pod, sidecar.get(), container, workspace, path);
        if (port.isEmpty()) {
          stopSidecar(uid);
          return;
        }
        endpoint = Map.of("SPACEONE_PLUGIN_ENDPOINT", "127.0.0.1:" + port.get());
      }
      PodEnvironment.Process spec = PodEnvironment.of(pod, container, workspace, path,
          (secret, key) -> secretKey(pod.getMetadata().getNamespace(), secret, key));
      spec.warnings().forEach(w -> notes.accept("pod " + name + ": " + w));
      if (spec.command().isEmpty()) {
        cannotRun(pod, container, "the plugin has no command: the sandbox cannot run the image's entrypoint; "
            + "set plugin.command (and args) to what the image runs");
        return;
      }
      String executable = spec.command().get(0);
      if (which(executable, spec.environment().get("PATH")).isEmpty()) {
        // The note first: whoever sees the pod fail finds it already there.
        notes.accept("task pod " + name + ": the " + container.getName() + " command '" + executable
            + "' does not exist on this machine. The sandbox runs it as a local process instead of the image "
            + container.getImage() + "; install '" + executable + "' or use a command that exists here.");
        cannotRun(pod, container, "exec: \"" + executable + "\": executable file not found in $PATH (the sandbox "
            + "runs the plugin's command on this machine, not the image " + container.getImage() + ")");
        return;
      }
      Map<String, String> environment = new LinkedHashMap<>(spec.environment());
      environment.putAll(endpoint);
      Process process;
      try {
        process = start(spec.command(), environment, workspace, logFile(name));
      } catch (IOException e) {
        cannotRun(pod, container, "cannot start \"" + executable + "\": " + e.getMessage());
        notes.accept("task pod " + name + ": cannot start '" + executable + "': " + e.getMessage());
        return;
      }
      running.put(uid, process);
      String startedAt = now();
      LOG.info("pod {}: started {} (pid {})", name, executable, process.pid());
      if (deleted.contains(uid) || closed) {
        ProcessTrees.kill(process.toHandle(), KILL_GRACE);
      }
      editStatus(pod, status -> {
        status.setPhase("Running");
        status.setStartTime(startedAt);
        status.setConditions(List.of(
            new PodConditionBuilder().withType("PodScheduled").withStatus("True").withLastTransitionTime(startedAt)
                .build(),
            new PodConditionBuilder().withType("Ready").withStatus("True").withLastTransitionTime(startedAt).build()));
        status.setContainerStatuses(List.of(new ContainerStatusBuilder().withName(container.getName())
            .withImage(container.getImage()).withReady(true).withRestartCount(0)
            .withNewState().withNewRunning().withStartedAt(startedAt).endRunning().endState().build()));
      });
      Long deadline = pod.getSpec().getActiveDeadlineSeconds();
      boolean exited = deadline == null ? waitFor(process, null) : waitFor(process, Duration.ofSeconds(deadline));
      running.remove(uid);
      stopSidecar(uid);
      if (!exited) {
        ProcessTrees.kill(process.toHandle(), KILL_GRACE);
        LOG.info("pod {}: killed at its activeDeadlineSeconds ({}s)", name, deadline);
        terminate(pod, container, startedAt, 137, "Error", "", "DeadlineExceeded",
            "Pod was active on the node longer than the specified deadline");
        return;
      }
      int exitCode = process.exitValue();
      String message = workspace.terminationMessage().orElse("");
      LOG.info("pod {}: exited with code {}", name, exitCode);
      if (exitCode == COMMAND_NOT_FOUND) {
        notes.accept("task pod " + name + ": the plugin exited with code 127: a command it runs was not found on "
            + "this machine (see " + logFile(name) + ")");
      }
      terminate(pod, container, startedAt, exitCode, exitCode == 0 ? "Completed" : "Error", message, null, null);
    } catch (IOException e) {
      LOG.warn("pod {}: {}", name, e.toString());
      failWithoutRunning(pod, "SandboxError", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      if (!closed) {
        LOG.warn("pod {}: {}", name, e.toString());
      }
    } finally {
      Process left = running.remove(uid);
      if (left != null) {
        ProcessTrees.kill(left.toHandle(), KILL_GRACE);
      }
      stopSidecar(uid);
    }
  }

  /**
   * Starts a grpc pod's plugin sidecar and waits until its port accepts connections, as the kubelet's startup
   * probe does. Pods share this machine's network, so each sidecar gets a free port of its own through
   * SPACEONE_PORT (what SpaceONE's plugin images listen on) instead of the pod's port; the runner is told it.
   * Empty when the plugin did not serve: the pod has then failed with the reason.
   */
  private Optional<Integer> startSidecar(Pod pod, Container sidecar, Container main, TaskWorkspace workspace,
      String path) throws IOException, InterruptedException {
    String name = pod.getMetadata().getName();
    PodEnvironment.Process spec = PodEnvironment.of(pod, sidecar, workspace, path,
        (secret, key) -> secretKey(pod.getMetadata().getNamespace(), secret, key));
    spec.warnings().forEach(w -> notes.accept("pod " + name + ": " + w));
    if (spec.command().isEmpty()) {
      cannotRun(pod, main, "the plugin has no command: the sandbox cannot run the image's entrypoint; set "
          + "plugin.command (and args) to what the image runs (e.g. spaceone-example-plugin inventory)");
      return Optional.empty();
    }
    String executable = spec.command().get(0);
    if (which(executable, spec.environment().get("PATH")).isEmpty()) {
      cannotRun(pod, main, "exec: \"" + executable + "\": the plugin's command is not found in $PATH (the sandbox"
          + " runs it on this machine, not the image " + sidecar.getImage() + ")");
      notes.accept("task pod " + name + ": the plugin command '" + executable + "' does not exist on this machine"
          + " (for the example plugins: examples/plugin/python/setup-venv.sh creates the venv the sandbox uses)");
      return Optional.empty();
    }
    int port = freePort();
    Map<String, String> environment = new LinkedHashMap<>(spec.environment());
    environment.put("SPACEONE_PORT", String.valueOf(port));
    Process plugin = start(spec.command(), environment, workspace, logFile(name + "." + sidecar.getName()));
    sidecars.put(pod.getMetadata().getUid(), plugin);
    LOG.info("pod {}: started its plugin {} on port {} (pid {})", name, executable, port, plugin.pid());
    long probeSeconds = startupSeconds(sidecar);
    Long deadline = pod.getSpec().getActiveDeadlineSeconds();
    Instant giveUp = Instant.now().plusSeconds(deadline == null ? probeSeconds : Math.min(deadline, probeSeconds));
    while (!accepts(port)) {
      if (!plugin.isAlive()) {
        // A kubelet restarts a native sidecar that exits before its probe passed: the pod stays Pending with
        // the sidecar's restart; the operator judges that status (the sandbox does not start it again).
        LOG.info("pod {}: the plugin exited with code {} before it served on its port (see {})", name,
            plugin.exitValue(), logFile(name + "." + sidecar.getName()));
        sidecarNeverServed(pod, sidecar, main, plugin.exitValue(), null);
        return Optional.empty();
      }
      if (closed || deleted.contains(pod.getMetadata().getUid()) || Instant.now().isAfter(giveUp)) {
        if (!closed && !deleted.contains(pod.getMetadata().getUid())) {
          LOG.info("pod {}: the plugin did not serve on its port in time", name);
          boolean timedOut = deadline != null && deadline <= probeSeconds;
          // The task timeout ends the pod (DeadlineExceeded); the probe's last failure restarts the sidecar.
          sidecarNeverServed(pod, sidecar, main, 137, timedOut ? "DeadlineExceeded" : null);
        }
        return Optional.empty();
      }
      Thread.sleep(PORT_POLL.toMillis());
    }
    return Optional.of(port);
  }

  /** Starts a container's process; its stdout and stderr go line by line into {@code log}, as a runtime keeps them. */
  private Process start(List<String> command, Map<String, String> environment, TaskWorkspace workspace, Path log)
      throws IOException {
    // Found on the pod's PATH (ProcessBuilder would search the sandbox's own).
    List<String> resolved = new ArrayList<>(command);
    which(command.get(0), environment.get("PATH")).ifPresent(p -> resolved.set(0, p.toString()));
    ProcessBuilder builder = new ProcessBuilder(resolved).directory(workspace.tmpDir().toFile());
    builder.environment().clear();
    builder.environment().putAll(environment);
    Process process = builder.start();
    process.getOutputStream().close();
    Object lock = new Object();
    for (InputStream stream : List.of(process.getInputStream(), process.getErrorStream())) {
      executor.execute(() -> copyLines(stream, log, lock));
    }
    return process;
  }

  private static void copyLines(InputStream stream, Path log, Object lock) {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        synchronized (lock) {
          Files.writeString(log, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
              StandardOpenOption.APPEND);
        }
      }
    } catch (IOException e) {
      // The process ended or the log folder went away with the sandbox.
    }
  }

  private void stopSidecar(String uid) {
    Process sidecar = sidecars.remove(uid);
    if (sidecar != null) {
      ProcessTrees.kill(sidecar.toHandle(), KILL_GRACE);
    }
  }

  /** How long the startup probe lets a container take to serve: period x failure threshold (Kubernetes' defaults). */
  static long startupSeconds(Container container) {
    var probe = container.getStartupProbe();
    if (probe == null) {
      return 300;
    }
    int period = probe.getPeriodSeconds() == null ? 10 : probe.getPeriodSeconds();
    int failures = probe.getFailureThreshold() == null ? 3 : probe.getFailureThreshold();
    return (long) period * failures;
  }

  /** The pod's native sidecar: an init container with restartPolicy Always (the grpc plugin). */
  static Optional<Container> nativeSidecar(Pod pod) {
    return pod.getSpec().getInitContainers() == null ? Optional.empty()
        : pod.getSpec().getInitContainers().stream().filter(c -> "Always".equals(c.getRestartPolicy())).findFirst();
  }

  /** PATH of the pod processes: the example plugins' venv first when it exists, then the sandbox's own. */
  static String podPath(String hostPath, Path venv) {
    String base = hostPath == null ? "/usr/local/bin:/usr/bin:/bin" : hostPath;
    Path bin = venv == null ? null : venv.resolve("bin");
    return bin != null && Files.isDirectory(bin) ? bin + File.pathSeparator + base : base;
  }

  /** The venv of the example plugins: SPACEONE_PY_VENV, else ~/.cache/spaceone-job-operator/venv. */
  static Path defaultVenv(Map<String, String> env) {
    String configured = env.get("SPACEONE_PY_VENV");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    String home = env.getOrDefault("HOME", System.getProperty("user.home"));
    return Path.of(home, ".cache", "spaceone-job-operator", "venv");
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static boolean waitFor(Process process, Duration timeout) throws InterruptedException {
    if (timeout == null) {
      process.waitFor();
      return true;
    }
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The pod's container could not start: Failed, exit 127, reason ContainerCannotRun, with the message. */
  /**
   * The status a kubelet shows for a grpc pod whose plugin sidecar never passed its startup probe: the sidecar
   * not started, restarted once (its last run ended with {@code exitCode}), the runner still waiting; with
   * {@code podReason} DeadlineExceeded the pod failed at its task timeout instead.
   */
  private void sidecarNeverServed(Pod pod, Container sidecar, Container main, int exitCode, String podReason) {
    String at = now();
    boolean deadline = podReason != null;
    editStatus(pod, status -> {
      status.setPhase(deadline ? "Failed" : "Pending");
      status.setReason(podReason);
      status.setMessage(deadline ? "Pod was active on the node longer than the specified deadline" : null);
      if (status.getStartTime() == null) {
        status.setStartTime(at);
      }
      ContainerStatusBuilder plugin = new ContainerStatusBuilder().withName(sidecar.getName())
          .withImage(sidecar.getImage()).withReady(false).withStarted(false).withRestartCount(deadline ? 0 : 1);
      if (!deadline) {
        plugin.withNewLastState().withNewTerminated().withExitCode(exitCode).withReason("Error").withFinishedAt(at)
            .endTerminated().endLastState().withNewState().withNewWaiting().withReason("CrashLoopBackOff")
            .endWaiting().endState();
      }
      status.setInitContainerStatuses(List.of(plugin.build()));
      status.setContainerStatuses(List.of(new ContainerStatusBuilder().withName(main.getName())
          .withImage(main.getImage()).withReady(false).withRestartCount(0).withNewState().withNewWaiting()
          .withReason("PodInitializing").endWaiting().endState().build()));
    });
  }

  private void cannotRun(Pod pod, Container container, String message) {
    LOG.info("pod {}: {}", pod.getMetadata().getName(), message);
    String at = now();
    terminate(pod, container, at, COMMAND_NOT_FOUND, "ContainerCannotRun", message, null, null);
  }

  private void terminate(Pod pod, Container container, String startedAt, int exitCode, String reason,
      String message, String podReason, String podMessage) {
    String finishedAt = now();
    editStatus(pod, status -> {
      status.setPhase(exitCode == 0 && podReason == null ? "Succeeded" : "Failed");
      status.setReason(podReason);
      status.setMessage(podMessage);
      if (status.getStartTime() == null) {
        status.setStartTime(startedAt);
      }
      status.setConditions(List.of(
          new PodConditionBuilder().withType("PodScheduled").withStatus("True").withLastTransitionTime(startedAt)
              .build(),
          new PodConditionBuilder().withType("Ready").withStatus("False").withReason("PodCompleted")
              .withLastTransitionTime(finishedAt).build()));
      status.setContainerStatuses(List.of(new ContainerStatusBuilder().withName(container.getName())
          .withImage(container.getImage()).withReady(false).withRestartCount(0)
          .withNewState().withNewTerminated().withExitCode(exitCode).withReason(reason).withMessage(message)
          .withStartedAt(startedAt).withFinishedAt(finishedAt).endTerminated().endState().build()));
    });
  }

  private void failWithoutRunning(Pod pod, String reason, String message) {
    editStatus(pod, status -> {
      status.setPhase("Failed");
      status.setReason(reason);
      status.setMessage(message);
    });
  }

  /** The Secret of the pod's volume {@code name} ("secret": the task's; "sink": the sink's). */
  private static Optional<String> secretVolume(Pod pod, String name) {
    if (pod.getSpec().getVolumes() == null) {
      return Optional.empty();
    }
    return pod.getSpec().getVolumes().stream().filter(v -> name.equals(v.getName())).map(Volume::getSecret)
        .filter(s -> s != null).map(s -> s.getSecretName()).findFirst();
  }

  /** The Secret's data, decoded, or null when it does not exist. Read as a kubelet does; never logged. */
  private Map<String, byte[]> secretData(String namespace, String name) {
    Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
    if (secret == null) {
      return null;
    }
    Map<String, byte[]> data = new LinkedHashMap<>();
    if (secret.getData() != null) {
      secret.getData().forEach((k, v) -> data.put(k, Base64.getDecoder().decode(v == null ? "" : v)));
    }
    if (secret.getStringData() != null) {
      secret.getStringData().forEach((k, v) -> data.put(k, (v == null ? "" : v).getBytes(StandardCharsets.UTF_8)));
    }
    return data;
  }

  private String secretKey(String namespace, String secret, String key) {
    Map<String, byte[]> data = secretData(namespace, secret);
    byte[] value = data == null ? null : data.get(key);
    return value == null ? null : new String(value, StandardCharsets.UTF_8);
  }

  /** Where a command resolves: itself when it names a path, else the first executable of that name on PATH. */
  static Optional<Path> which(String command, String path) {
    if (command.contains("/")) {
      Path p = Path.of(command);
      return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
    }
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, command);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private void editStatus(Pod pod, Consumer<PodStatus> change) {
    if (closed) {
      return;
    }
    try {
      client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
          .editStatus(p -> {
            if (p.getStatus() == null) {
              p.setStatus(new PodStatus());
            }
            change.accept(p.getStatus());
            return p;
          });
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404 && !closed) {
        throw e;
      }
    }
  }

  private static boolean isEnded(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  private static String now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /** Stops watching and kills every running process tree (also from a shutdown hook). */
  @Override
  public void close() {
    closed = true;
    informer.close();
    running.values().forEach(p -> ProcessTrees.kill(p.toHandle(), KILL_GRACE));
    running.clear();
    sidecars.values().forEach(p -> ProcessTrees.kill(p.toHandle(), KILL_GRACE));
    sidecars.clear();
    executor.shutdownNow();
  }
}
