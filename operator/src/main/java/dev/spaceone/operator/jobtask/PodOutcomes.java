package dev.spaceone.operator.jobtask;

import dev.spaceone.contract.ErrorCodes;
import dev.spaceone.contract.ResultCount;
import dev.spaceone.operator.api.v1alpha1.TaskError;
import dev.spaceone.operator.api.v1alpha1.TaskState;
import dev.spaceone.operator.plugin.PluginResult;
import dev.spaceone.operator.plugin.PluginResultParser;
import dev.spaceone.operator.desired.TaskPodBuilder;
import dev.spaceone.operator.status.Timestamps;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Reads how a task pod ended from its status, by the plugin contract. A pure function of the pod (and of the
 * time, for a pod whose node never confirms its end).
 *
 * <p>An attempt has ended only once its plugin container has terminated (or the pod is terminal, or gone):
 * a pod that is being deleted still runs its plugin until the kubelet stops it, which may take the whole grace
 * period, and a retry started before that would collect twice at once. What the container reported (exit code,
 * reason, termination message) decides the outcome; "deleted while running" is only for a plugin that was
 * stopped by a signal without reporting anything.
 */
public final class PodOutcomes {
  /** Exit codes of a container stopped by SIGKILL / SIGTERM (128 + signal), which a deletion sends. */
  private static final Set<Integer> KILLED = Set.of(137, 143);
  /** The kubelet's grace period when the pod names none. */
  static final long DEFAULT_GRACE_SECONDS = 30;

  private PodOutcomes() {
  }

  /** The outcome of a pod whose plugin has ended, or empty while it may still run. */
  /** An attempt's start: when the kubelet took its pod, or when the pod was created if its status does not say. */
  public static Optional<Instant> startedAt(Pod pod) {
    String startTime = pod.getStatus() == null ? null : pod.getStatus().getStartTime();
    return Optional.ofNullable(Timestamps.parse(startTime != null ? startTime
        : pod.getMetadata().getCreationTimestamp()));
  }

  public static Optional<AttemptOutcome> of(Pod pod, Instant now) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    ContainerStateTerminated terminated = terminatedResultContainer(pod);
    boolean terminal = "Succeeded".equals(phase) || "Failed".equals(phase);
    if (terminated == null) {
      Optional<AttemptOutcome> unreachable = pluginNeverServed(pod);
      if (unreachable.isPresent()) {
        return unreachable;
      }
    }
    if (terminated == null && !terminal) {
      if (neverPlaced(pod)) {
        // No node was ever given the pod, so no kubelet will report on it: nothing ran.
        return Optional.of(deleted(pod, "was deleted before it was scheduled", null));
      }
      Optional<Instant> settled = settledBy(pod);
      if (settled.isPresent() && !now.isBefore(settled.get())) {
        // Deleted, and past the instant by which its own kubelet stopped it even when cut off from the API
        // server (the task timeout is enforced on the node): its node is lost, the plugin cannot still run.
        return Optional.of(deleted(pod, "was deleted and its node never confirmed that the plugin stopped; it"
            + " cannot run past " + settled.get() + " (the task timeout and grace period)", null));
      }
      return Optional.empty();
    }
    if ("DeadlineExceeded".equals(pod.getStatus().getReason())) {
      return Optional.of(new AttemptOutcome(TaskState.TIMEOUT, true, null, ErrorCodes.TASK_TIMEOUT,
          "the attempt ran longer than the task timeout (activeDeadlineSeconds "
              + pod.getSpec().getActiveDeadlineSeconds() + "s)", finishedAt(terminated)));
    }
    boolean deleting = pod.getMetadata() != null && pod.getMetadata().getDeletionTimestamp() != null;
    if (terminated == null) {
      if (deleting) {
        return Optional.of(deleted(pod, "was deleted before the plugin ran", null));
      }
      // Failed before the container ran (image pull, eviction): the pod's own reason says why.
      String reason = pod.getStatus().getReason();
      String message = pod.getStatus().getMessage();
      return Optional.of(new AttemptOutcome(TaskState.FAILURE, true, null, ErrorCodes.COLLECTOR_PLUGIN,
          "the pod " + phase.toLowerCase() + " without running the plugin"
              + (reason == null ? "" : ": " + reason) + (message == null ? "" : " " + message), null));
    }
    Instant finished = finishedAt(terminated);
    String raw = terminated.getMessage();
    PluginResultParser.Parsed parsed = PluginResultParser.parse(raw);
    int exitCode = terminated.getExitCode() == null ? -1 : terminated.getExitCode();
    if (deleting && stoppedWithoutReport(terminated, exitCode, raw)) {
      // The kubelet stopped the plugin because the pod was deleted, and the plugin said nothing of its own.
      return Optional.of(deleted(pod, "was deleted while the plugin ran (exit code " + exitCode + ")", finished));
    }
    if (exitCode != 0) {
      PluginResult counts = parsed instanceof PluginResultParser.Valid valid ? valid.result() : null;
      String detail = raw == null || raw.isBlank()
          ? (terminated.getReason() == null ? "no message" : terminated.getReason())
          : PluginResultParser.truncate(raw);
      return Optional.of(new AttemptOutcome(TaskState.FAILURE, true, counts, ErrorCodes.COLLECTOR_PLUGIN,
          "the plugin exited with code " + exitCode + ": " + detail, finished));
    }
    if (parsed instanceof PluginResultParser.Invalid invalid) {
      return Optional.of(new AttemptOutcome(TaskState.FAILURE, true, null, invalid.errorCode(), invalid.message(),
          finished));
    }
    PluginResult result = ((PluginResultParser.Valid) parsed).result();
    if (result.count(ResultCount.FAILURE) > 0) {
      TaskError first = result.errors().isEmpty() ? null : result.errors().get(0);
      String code = first != null && first.getErrorCode() != null ? first.getErrorCode() : ErrorCodes.COLLECT_FAILURE;
      String message = "the plugin reported failure_count " + result.count(ResultCount.FAILURE)
          + (first != null && first.getMessage() != null ? ": " + first.getMessage() : "");
      return Optional.of(new AttemptOutcome(TaskState.FAILURE, false, result, code, message, finished));
    }
    return Optional.of(new AttemptOutcome(TaskState.SUCCESS, false, result, null, null, finished));
  }

  /**
   * A grpc pod whose plugin sidecar never passed its startup probe, so the runner never started: the kubelet
   * restarted the sidecar (it exited, or its probe failed every try), or the task timeout ended the pod first.
   * Without this the pod would stay Pending, restarting the sidecar, until the task timeout (or for ever).
   * Retryable: a new pod may land where the plugin starts. The caller deletes the pod, which may still start.
   */
  static Optional<AttemptOutcome> pluginNeverServed(Pod pod) {
    if (pod.getStatus() == null || pod.getMetadata() == null || pod.getMetadata().getDeletionTimestamp() != null
        || !TaskPodBuilder.RUNNER_CONTAINER.equals(TaskPodBuilder.resultContainer(pod))) {
      return Optional.empty();
    }
    ContainerStatus sidecar = pod.getStatus().getInitContainerStatuses() == null ? null
        : pod.getStatus().getInitContainerStatuses().stream()
            .filter(c -> TaskPodBuilder.CONTAINER.equals(c.getName())).findFirst().orElse(null);
    if (sidecar != null && Boolean.TRUE.equals(sidecar.getStarted())) {
      return Optional.empty();
    }
    String port = TaskPodBuilder.pluginPort(pod).map(p -> " on port " + p).orElse("");
    int restarts = sidecar == null || sidecar.getRestartCount() == null ? 0 : sidecar.getRestartCount();
    ContainerStateTerminated last = sidecar == null || sidecar.getLastState() == null ? null
        : sidecar.getLastState().getTerminated();
    if ("DeadlineExceeded".equals(pod.getStatus().getReason())) {
      return Optional.of(new AttemptOutcome(TaskState.FAILURE, true, null, ErrorCodes.PLUGIN_UNREACHABLE,
          "the plugin's startup probe" + port + " never passed within the task timeout (activeDeadlineSeconds "
              + pod.getSpec().getActiveDeadlineSeconds() + "s" + (restarts > 0 ? ", " + restarts + " restarts" : "")
              + "); the runner never started", null));
    }
    if (restarts == 0 || "Succeeded".equals(pod.getStatus().getPhase())) {
      return Optional.empty();
    }
    String lastRun = last == null ? "" : " (last run: exit code " + last.getExitCode()
        + (last.getReason() == null ? "" : ", " + last.getReason()) + ")";
    return Optional.of(new AttemptOutcome(TaskState.FAILURE, true, null, ErrorCodes.PLUGIN_UNREACHABLE,
        "the plugin sidecar was restarted " + restarts + (restarts == 1 ? " time" : " times")
            + " and its startup probe" + port + " never passed" + lastRun + "; the runner never started",
        finishedAt(last)));
  }

  /**
   * Whether the attempt's pod, already judged, could still start its runner (a sidecar that may pass its probe
   * later): such a pod is deleted, so no late run collects beside the next attempt.
   */
  public static boolean mayStillRun(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return pod.getMetadata().getDeletionTimestamp() == null && !"Succeeded".equals(phase)
        && !"Failed".equals(phase) && terminatedResultContainer(pod) == null;
  }

  /**
   * For a pod being deleted whose plugin has not been seen to stop: the instant after which it cannot run, even
   * if its node is cut off (the kubelet enforces activeDeadlineSeconds locally, then gives the grace period).
   * Empty when nothing bounds it (no task timeout, or the pod never reported its start): then only Kubernetes
   * marking the pod failed (the Node deleted, or tainted out-of-service) or the Job's deadline ends the wait.
   */
  public static Optional<Instant> settledBy(Pod pod) {
    String deletion = pod.getMetadata() == null ? null : pod.getMetadata().getDeletionTimestamp();
    if (deletion == null) {
      return Optional.empty();
    }
    String started = pod.getStatus() == null ? null : pod.getStatus().getStartTime();
    Long deadline = pod.getSpec() == null ? null : pod.getSpec().getActiveDeadlineSeconds();
    if (started == null || deadline == null) {
      return Optional.empty();
    }
    Long grace = pod.getSpec().getTerminationGracePeriodSeconds();
    try {
      Instant bound = Instant.parse(started).plusSeconds(deadline + (grace == null ? DEFAULT_GRACE_SECONDS : grace));
      Instant deleted = Instant.parse(deletion);
      return Optional.of(bound.isAfter(deleted) ? bound : deleted);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Being deleted, never bound to a node and with no container status: the API server deletes it at once. */
  private static boolean neverPlaced(Pod pod) {
    return pod.getMetadata() != null && pod.getMetadata().getDeletionTimestamp() != null
        && (pod.getSpec() == null || pod.getSpec().getNodeName() == null)
        && (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null
            || pod.getStatus().getContainerStatuses().isEmpty());
  }

  /**
   * Whether the plugin was stopped by a signal and reported nothing: no termination message, and no reason of
   * the runtime's own (an OOMKilled container also exits 137, but that is the container's failure).
   */
  private static boolean stoppedWithoutReport(ContainerStateTerminated terminated, int exitCode, String raw) {
    String reason = terminated.getReason();
    return KILLED.contains(exitCode) && (raw == null || raw.isBlank()) && (reason == null || "Error".equals(reason));
  }

  private static AttemptOutcome deleted(Pod pod, String what, Instant finished) {
    return new AttemptOutcome(TaskState.FAILURE, true, null, ErrorCodes.POD_DELETED,
        "the pod " + pod.getMetadata().getName() + " " + what, finished);
  }

  /** The plugin's container (file) or the runner's (grpc): the one that writes the result. */
  private static ContainerStateTerminated terminatedResultContainer(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return null;
    }
    String name = TaskPodBuilder.resultContainer(pod);
    for (ContainerStatus status : pod.getStatus().getContainerStatuses()) {
      if (name.equals(status.getName()) && status.getState() != null) {
        return status.getState().getTerminated();
      }
    }
    return null;
  }

  private static Instant finishedAt(ContainerStateTerminated terminated) {
    if (terminated == null || terminated.getFinishedAt() == null) {
      return null;
    }
    try {
      return Instant.parse(terminated.getFinishedAt());
    } catch (RuntimeException e) {
      return null;
    }
  }
}
