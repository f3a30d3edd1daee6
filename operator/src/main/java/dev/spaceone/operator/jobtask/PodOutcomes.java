package dev.spaceone.operator.jobtask;

import dev.spaceone.operator.api.v1alpha1.TaskError;
import dev.spaceone.operator.api.v1alpha1.TaskState;
import dev.spaceone.operator.plugin.ErrorCodes;
import dev.spaceone.operator.plugin.PluginResult;
import dev.spaceone.operator.plugin.PluginResultParser;
import dev.spaceone.operator.task.TaskPodBuilder;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.util.Optional;

/** Reads how a task pod ended from its status, by the plugin contract. A pure function of the pod. */
public final class PodOutcomes {
  private PodOutcomes() {
  }

  /** The outcome of a pod that has ended, or empty while it has not. */
  public static Optional<AttemptOutcome> of(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    ContainerStateTerminated terminated = terminatedResultContainer(pod);
    if ("DeadlineExceeded".equals(pod.getStatus() == null ? null : pod.getStatus().getReason())) {
      return Optional.of(new AttemptOutcome(TaskState.TIMEOUT, true, null, ErrorCodes.TASK_TIMEOUT,
          "the attempt ran longer than the task timeout (activeDeadlineSeconds "
              + pod.getSpec().getActiveDeadlineSeconds() + "s)", finishedAt(terminated)));
    }
    if (!"Succeeded".equals(phase) && !"Failed".equals(phase)) {
      return Optional.empty();
    }
    if (terminated == null) {
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
    if (exitCode != 0 && killedByDeletion(pod, finished)) {
      // The kubelet stopped the plugin because the pod was deleted: not the plugin's failure.
      return Optional.of(new AttemptOutcome(TaskState.FAILURE, true, null, ErrorCodes.POD_DELETED,
          "the pod " + pod.getMetadata().getName() + " was deleted while the plugin ran (exit code " + exitCode + ")",
          finished));
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
    if (result.failureCount() > 0) {
      TaskError first = result.errors().isEmpty() ? null : result.errors().get(0);
      String code = first != null && first.getErrorCode() != null ? first.getErrorCode() : ErrorCodes.COLLECT_FAILURE;
      String message = "the plugin reported failure_count " + result.failureCount()
          + (first != null && first.getMessage() != null ? ": " + first.getMessage() : "");
      return Optional.of(new AttemptOutcome(TaskState.FAILURE, false, result, code, message, finished));
    }
    return Optional.of(new AttemptOutcome(TaskState.SUCCESS, false, result, null, null, finished));
  }

  /** Whether the container ended only once the pod was being deleted (times are to the second). */
  private static boolean killedByDeletion(Pod pod, Instant finished) {
    String deletion = pod.getMetadata() == null ? null : pod.getMetadata().getDeletionTimestamp();
    if (deletion == null) {
      return false;
    }
    try {
      Instant deleted = Instant.parse(deletion).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
      return finished == null || !finished.isBefore(deleted);
    } catch (RuntimeException e) {
      return false;
    }
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
