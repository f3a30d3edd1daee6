package dev.spaceone.testkit;

import dev.spaceone.operator.api.Labels;
import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Stands in for the kubelet, which the mock (and the e2e control plane) lacks: moves task pods Pending ->
 * Running -> Succeeded/Failed, writes the plugin's termination message, fails a pod at its activeDeadlineSeconds
 * (reason DeadlineExceeded), and stops a pod that is being deleted as a kubelet does: SIGTERM, then SIGKILL when
 * the grace period ends, so a plugin that ignores SIGTERM keeps running until then (exit 137), one that heeds it
 * exits 143 after its own stop time. The container runs on even when the pod object is gone (a forced deletion,
 * or a finalizer released early). It never starts a pod that is already being deleted, and once a deleted pod's
 * container stopped it confirms the deletion (grace period 0), as the kubelet does.
 *
 * <p>It records every container's run (start and end as it saw them), so tests observe, rather than assume, how
 * many of a Job's plugins ran at once and whether two attempts of one task overlapped.
 */
public final class SimulatedKubelet implements AutoCloseable {
  /** A stop time longer than any grace period: the plugin ignores SIGTERM. */
  public static final Duration IGNORES_SIGTERM = Duration.ofDays(1);
  private static final long DEFAULT_GRACE_SECONDS = 30;

  /**
   * What the plugin in a pod does: runs this long, then exits with this code and result file; after SIGTERM it
   * exits within {@code stopTime} (zero: at once; {@link #IGNORES_SIGTERM}: only SIGKILL stops it). {@code log}
   * is what it printed (null: nothing), served as the pod's log. {@code neverServes}: a grpc plugin sidecar that
   * exits with {@code exitCode} before it serves, restarted by the kubelet, so the runner never starts.
   */
  public record PluginRun(Duration runTime, int exitCode, String result, Duration stopTime, String log,
      boolean neverServes) {
    public PluginRun(Duration runTime, int exitCode, String result) {
      this(runTime, exitCode, result, Duration.ZERO, null, false);
    }

    public PluginRun(Duration runTime, int exitCode, String result, Duration stopTime) {
      this(runTime, exitCode, result, stopTime, null, false);
    }

    /** A grpc pod whose plugin sidecar exits with {@code exitCode} before it serves, again after each restart. */
    public static PluginRun neverServes(int exitCode) {
      return new PluginRun(IGNORES_SIGTERM, exitCode, null, Duration.ZERO, null, true);
    }

    public static PluginRun succeeds(Duration runTime, String result) {
      return new PluginRun(runTime, 0, result);
    }

    public PluginRun ignoringSigterm() {
      return new PluginRun(runTime, exitCode, result, IGNORES_SIGTERM, log, neverServes);
    }

    public PluginRun withLog(String printed) {
      return new PluginRun(runTime, exitCode, result, stopTime, printed, neverServes);
    }
  }

  /** One plugin container's run as this kubelet saw it; {@code ended} is null while it runs. */
  public record ContainerRun(String namespace, String job, String task, String pod, int attempt, Instant started,
      Instant ended, Instant deletionSeen, Integer exitCode, String message) {
    /** Whether a deletion's SIGTERM / SIGKILL ended it, before the plugin reported anything. */
    public boolean killed() {
      return exitCode != null && (exitCode == 137 || exitCode == 143) && (message == null || message.isEmpty());
    }

    public boolean overlaps(ContainerRun other) {
      Instant end = ended == null ? Instant.MAX : ended;
      Instant otherEnd = other.ended == null ? Instant.MAX : other.ended;
      return started.isBefore(otherEnd) && other.started.isBefore(end);
    }
  }

  private enum State { PENDING, CRASH_LOOP, RUNNING, ENDED }

  /** A pod's container; guarded by the kubelet's lock. */
  private final class Container {
    final String uid;
    final String namespace;
    final String name;
    final String job;
    final String task;
    final int attempt;
    /** The pod's (first) container, whose status this kubelet reports, as a kubelet reports the spec's. */
    final String containerName;
    State state = State.PENDING;
    PluginRun run;
    Instant started;
    Instant ended;
    Instant deletionSeen;
    Integer exitCode;
    String message;
    final List<ScheduledFuture<?>> timers = new ArrayList<>();

    Container(Pod pod) {
      uid = pod.getMetadata().getUid();
      namespace = pod.getMetadata().getNamespace();
      name = pod.getMetadata().getName();
      Map<String, String> labels = pod.getMetadata().getLabels();
      job = labels.get(Labels.JOB);
      // A planning pod belongs to no task: it counts as a task of its own.
      task = labels.getOrDefault(Labels.JOB_TASK, name);
      attempt = Integer.parseInt(labels.getOrDefault(Labels.ATTEMPT, "0"));
      containerName = pod.getSpec().getContainers().get(0).getName();
    }

    ContainerRun snapshot() {
      return new ContainerRun(namespace, job, task, name, attempt, started, ended, deletionSeen, exitCode,
          message);
    }
  }

  private final KubernetesClient client;
  private final Function<Pod, PluginRun> plugin;
  private final String nodeName;
  private final ScheduledExecutorService executor = Executors.newScheduledThreadPool(16);
  private final Map<String, Container> containers = new HashMap<>();
  private final Map<String, Integer> maxRunningByJob = new HashMap<>();
  private int maxRunningOfOneTask;
  private final SharedIndexInformer<Pod> informer;
  private final PodLogs logs;

  public SimulatedKubelet(KubernetesClient client, Function<Pod, PluginRun> plugin) {
    this(client, plugin, null, p -> true);
  }

  public SimulatedKubelet(KubernetesClient client, Function<Pod, PluginRun> plugin, String nodeName,
      Predicate<Pod> accept) {
    this(client, plugin, nodeName, accept, new PodLogs());
  }

  /**
   * @param nodeName when set, each pod is bound to this node first (the binding subresource of a real API
   *     server), so that the API server gives its deletion a grace period instead of deleting it at once
   * @param accept which pods this kubelet runs
   * @param logs where the plugins' output goes (what the API server serves as pods/log)
   */
  public SimulatedKubelet(KubernetesClient client, Function<Pod, PluginRun> plugin, String nodeName,
      Predicate<Pod> accept, PodLogs logs) {
    this.logs = logs;
    this.client = client;
    this.plugin = plugin;
    this.nodeName = nodeName;
    this.informer = client.pods().inAnyNamespace().withLabel(Labels.MANAGED_BY, Labels.OPERATOR)
        .inform(new ResourceEventHandler<>() {
          @Override
          public void onAdd(Pod pod) {
            if (accept.test(pod)) {
              seen(pod);
            }
          }

          @Override
          public void onUpdate(Pod old, Pod pod) {
            if (accept.test(pod)) {
              seen(pod);
            }
          }

          @Override
          public void onDelete(Pod pod, boolean unknown) {
            if (accept.test(pod)) {
              gone(pod);
            }
          }
        });
  }

  /** The most plugin containers of a Job that ran at once. */
  public synchronized int maxRunning(String jobName) {
    return maxRunningByJob.getOrDefault(jobName, 0);
  }

  /** The most containers of one task that ran at once, over all tasks (1 when attempts never overlapped). */
  public synchronized int maxRunningOfOneTask() {
    return maxRunningOfOneTask;
  }

  /** Containers started and not ended (or pods admitted and not started). */
  public synchronized int aliveNow() {
    return (int) containers.values().stream().filter(c -> c.state != State.ENDED).count();
  }

  /** Every container run so far, in no particular order. */
  public synchronized List<ContainerRun> runs() {
    return containers.values().stream().filter(c -> c.started != null).map(Container::snapshot).toList();
  }

  private void seen(Pod pod) {
    Container container;
    synchronized (this) {
      container = containers.get(pod.getMetadata().getUid());
      if (container == null) {
        if (isEnded(pod)) {
          return;
        }
        container = new Container(pod);
        containers.put(container.uid, container);
        Container admitted = container;
        executor.execute(() -> start(admitted, pod));
      }
    }
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      deleted(container, pod);
    }
  }

  private void start(Container container, Pod pod) {
    PluginRun run = plugin.apply(pod);
    if (run.log() != null) {
      logs.put(pod, run.log());
    }
    if (nodeName != null && pod.getSpec().getNodeName() == null) {
      try {
        client.bindings().inNamespace(container.namespace).resource(new BindingBuilder().withNewMetadata()
            .withName(container.name).withNamespace(container.namespace).endMetadata()
            .withNewTarget().withKind("Node").withName(nodeName).endTarget().build()).create();
      } catch (KubernetesClientException e) {
        // Already bound, gone, or being deleted: the status write below finds out whether it may start.
      }
    }
    synchronized (this) {
      if (container.state != State.PENDING || container.deletionSeen != null) {
        endUnstarted(container);
        return;
      }
    }
    if (run.neverServes()) {
      crashLoop(container, run.exitCode());
      return;
    }
    // Started only if the pod, as stored, is not being deleted: a kubelet never starts a deleted pod.
    boolean started = editStatus(container, (p, status) -> {
      if (p.getMetadata().getDeletionTimestamp() != null || isEnded(p)) {
        return false;
      }
      status.setPhase("Running");
      status.setStartTime(now());
      status.setContainerStatuses(List.of(new ContainerStatusBuilder().withName(container.containerName)
          .withNewState().withNewRunning().withStartedAt(now()).endRunning().endState().build()));
      return true;
    });
    synchronized (this) {
      if (!started) {
        endUnstarted(container);
        return;
      }
      container.state = State.RUNNING;
      container.run = run;
      container.started = Instant.now();
      int ofJob = (int) running().filter(c -> c.job.equals(container.job)).count();
      maxRunningByJob.merge(container.job, ofJob, Math::max);
      int ofTask = (int) running().filter(c -> c.namespace.equals(container.namespace)
          && c.task.equals(container.task)).count();
      maxRunningOfOneTask = Math.max(maxRunningOfOneTask, ofTask);
      Long deadline = pod.getSpec().getActiveDeadlineSeconds();
      if (deadline != null && run.runTime().compareTo(Duration.ofSeconds(deadline)) > 0) {
        schedule(container, Duration.ofSeconds(deadline), () -> end(container, 137, "", "Error", "DeadlineExceeded"));
      } else {
        schedule(container, run.runTime(), () -> end(container, run.exitCode(), run.result(),
            run.exitCode() == 0 ? "Completed" : "Error", null));
      }
      if (container.deletionSeen != null) {
        stop(container, graceOf(pod));
      }
    }
  }

  /**
   * A grpc pod whose plugin sidecar exited before serving and was restarted (CrashLoopBackOff): the pod stays
   * Pending and its runner waits, as a kubelet reports it, until the pod is deleted.
   */
  private void crashLoop(Container container, int exitCode) {
    boolean reported = editStatus(container, (p, status) -> {
      if (p.getMetadata().getDeletionTimestamp() != null || isEnded(p)) {
        return false;
      }
      status.setPhase("Pending");
      status.setStartTime(now());
      status.setInitContainerStatuses(List.of(new ContainerStatusBuilder().withName("plugin").withStarted(false)
          .withRestartCount(1).withNewLastState().withNewTerminated().withExitCode(exitCode).withReason("Error")
          .withFinishedAt(now()).endTerminated().endLastState()
          .withNewState().withNewWaiting().withReason("CrashLoopBackOff").endWaiting().endState().build()));
      status.setContainerStatuses(List.of(new ContainerStatusBuilder().withName(container.containerName)
          .withNewState().withNewWaiting().withReason("PodInitializing").endWaiting().endState().build()));
      return true;
    });
    synchronized (this) {
      if (!reported || container.deletionSeen != null) {
        container.state = State.ENDED;
      } else {
        container.state = State.CRASH_LOOP;
        return;
      }
    }
    executor.execute(() -> confirmDeletion(container));
  }

  /** A pod deleted before its container started: it ends without running, and its deletion is confirmed. */
  private void endUnstarted(Container container) {
    synchronized (this) {
      if (container.state == State.ENDED) {
        return;
      }
      container.state = State.ENDED;
    }
    executor.execute(() -> confirmDeletion(container));
  }

  private void deleted(Container container, Pod pod) {
    synchronized (this) {
      if (container.deletionSeen != null) {
        return;
      }
      container.deletionSeen = Instant.now();
      if (container.state == State.RUNNING) {
        stop(container, graceOf(pod));
      }
      if (container.state != State.CRASH_LOOP) {
        return;
      }
      // Nothing runs but a sidecar between restarts: the pod ends at once, its runner never started.
      container.state = State.ENDED;
    }
    executor.execute(() -> {
      editStatus(container, (p, status) -> {
        status.setPhase("Failed");
        return true;
      });
      confirmDeletion(container);
    });
  }

  private void gone(Pod pod) {
    Container container;
    synchronized (this) {
      container = containers.get(pod.getMetadata().getUid());
    }
    if (container != null) {
      deleted(container, pod);
    }
  }

  /** SIGTERM now; the plugin exits after its stop time, or is killed when the grace period ends. */
  private void stop(Container container, Duration grace) {
    Duration stopTime = container.run.stopTime();
    if (stopTime.compareTo(grace) < 0) {
      schedule(container, stopTime, () -> end(container, 143, "", "Error", null));
    } else {
      schedule(container, grace, () -> end(container, 137, "", "Error", null));
    }
  }

  private void schedule(Container container, Duration delay, Runnable action) {
    container.timers.add(executor.schedule(action, delay.toMillis(), TimeUnit.MILLISECONDS));
  }

  private void end(Container container, int exitCode, String message, String reason, String podReason) {
    synchronized (this) {
      if (container.state != State.RUNNING) {
        return;
      }
      container.state = State.ENDED;
      container.ended = Instant.now();
      container.exitCode = exitCode;
      container.message = message;
      container.timers.forEach(t -> t.cancel(false));
    }
    ContainerStatus terminated = new ContainerStatusBuilder().withName(container.containerName)
        .withNewState().withNewTerminated().withExitCode(exitCode).withMessage(message).withReason(reason)
        .withFinishedAt(now()).endTerminated().endState().build();
    editStatus(container, (p, status) -> {
      status.setPhase(exitCode == 0 && podReason == null ? "Succeeded" : "Failed");
      status.setReason(podReason);
      status.setContainerStatuses(List.of(terminated));
      return true;
    });
    boolean deleting;
    synchronized (this) {
      deleting = container.deletionSeen != null;
    }
    if (deleting) {
      confirmDeletion(container);
    }
  }

  /** What the kubelet does once a deleted pod's containers stopped: deletes it with grace period 0. */
  private void confirmDeletion(Container container) {
    try {
      client.pods().inNamespace(container.namespace).withName(container.name).withGracePeriod(0).delete();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }

  private static Duration graceOf(Pod pod) {
    Long seconds = pod.getMetadata().getDeletionGracePeriodSeconds();
    if (seconds == null) {
      seconds = pod.getSpec().getTerminationGracePeriodSeconds();
    }
    return Duration.ofSeconds(seconds == null ? DEFAULT_GRACE_SECONDS : seconds);
  }

  private java.util.stream.Stream<Container> running() {
    return containers.values().stream().filter(c -> c.state == State.RUNNING);
  }

  /** A change of the pod's status. */
  private interface StatusChange {
    /** Changes the status of the stored pod; returns false to write nothing. */
    boolean apply(Pod stored, PodStatus status);
  }

  /**
   * Changes a pod's status on the latest copy, again on a conflict, as the kubelet's status manager does.
   * Returns whether it was written (false when the pod is gone or the change declined).
   */
  private boolean editStatus(Container container, StatusChange change) {
    for (int attempt = 1; ; attempt++) {
      try {
        Pod pod = client.pods().inNamespace(container.namespace).withName(container.name).get();
        if (pod == null || !container.uid.equals(pod.getMetadata().getUid())) {
          return false;
        }
        if (pod.getStatus() == null) {
          pod.setStatus(new PodStatus());
        }
        if (!change.apply(pod, pod.getStatus())) {
          return false;
        }
        client.pods().inNamespace(container.namespace).resource(pod).updateStatus();
        return true;
      } catch (KubernetesClientException e) {
        if (e.getCode() == 404) {
          return false;
        }
        if (e.getCode() != 409 || attempt == 20) {
          throw e;
        }
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

  @Override
  public void close() {
    informer.close();
    executor.shutdownNow();
  }
}
