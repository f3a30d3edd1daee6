package dev.spaceone.operator.jobtask;

import dev.spaceone.operator.api.v1alpha1.JobTaskStatus;
import dev.spaceone.operator.api.v1alpha1.TaskError;
import dev.spaceone.operator.api.v1alpha1.TaskState;
import dev.spaceone.operator.plugin.PluginResult;
import dev.spaceone.operator.status.Conditions;
import dev.spaceone.operator.status.Timestamps;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The task statuses the JobTask reconciler writes, as pure functions of the previous status and an event. */
public final class TaskStatusTransitions {
  /** Key of {@code errors[].additional} naming the pod an error came from, so it is recorded once. */
  static final String POD_KEY = "pod";

  private TaskStatusTransitions() {
  }

  /** The attempt's pod runs. */
  public static JobTaskStatus running(JobTaskStatus previous, String podName, int attempt, Instant now) {
    JobTaskStatus status = copy(previous);
    status.setStatus(TaskState.IN_PROGRESS);
    status.setPodName(podName);
    status.setAttempts(Math.max(attempt, status.getAttempts()));
    status.setUpdatedAt(Timestamps.format(now));
    if (status.getStartedAt() == null) {
      status.setStartedAt(Timestamps.format(now));
    }
    return status;
  }

  /** The previous status with its start time, when it has none yet: when the first attempt's pod started. */
  public static JobTaskStatus startedAt(JobTaskStatus previous, Instant started) {
    if (previous != null && previous.getStartedAt() != null) {
      return previous;
    }
    JobTaskStatus status = copy(previous);
    status.setStartedAt(Timestamps.format(started));
    return status;
  }

  /** Whether an error of this pod is already in the status. */
  public static boolean recorded(JobTaskStatus status, String podName) {
    return status != null && status.getErrors() != null && status.getErrors().stream()
        .anyMatch(e -> e.getAdditional() != null && podName.equals(e.getAdditional().get(POD_KEY)));
  }

  /** An attempt failed and another will follow: the error is kept, the task stays IN_PROGRESS. */
  public static JobTaskStatus attemptFailed(JobTaskStatus previous, String podName, int attempt,
      AttemptOutcome outcome, Instant now) {
    JobTaskStatus status = running(previous, podName, attempt, now);
    status.setErrors(withError(status.getErrors(), outcome.errorCode(), outcome.errorMessage(), podName, attempt));
    return status;
  }

  /** The task's last attempt ended. Counts are the attempt's own, never added to an earlier attempt's. */
  public static JobTaskStatus finished(JobTaskStatus previous, String podName, int attempt, AttemptOutcome outcome,
      Instant now) {
    JobTaskStatus status = running(previous, podName, attempt, now);
    status.setStatus(outcome.state());
    PluginResult result = outcome.result();
    List<TaskError> errors = status.getErrors() == null ? new ArrayList<>() : new ArrayList<>(status.getErrors());
    if (result != null) {
      result.copyCountsTo(status);
      errors.addAll(result.errors());
    }
    // The outcome's own error, unless it is one the plugin reported (failure_count with errors): a plugin that
    // wrote a valid result and exited non-zero keeps its errors and gets ERROR_COLLECTOR_PLUGIN besides.
    if (outcome.errorCode() != null && (result == null
        || result.errors().stream().noneMatch(e -> outcome.errorCode().equals(e.getErrorCode())))) {
      errors = withError(errors, outcome.errorCode(), outcome.errorMessage(), podName, attempt);
    }
    status.setErrors(errors.isEmpty() ? null : errors);
    status.setErrorCode(outcome.errorCode());
    status.setErrorMessage(outcome.errorMessage());
    return end(status, now);
  }

  /** The task was stopped from outside (cancel, the Job's deadline), keeping what it had collected. */
  public static JobTaskStatus stopped(JobTaskStatus previous, TaskState state, String errorCode, String message,
      Instant now) {
    JobTaskStatus status = copy(previous);
    status.setStatus(state);
    status.setErrors(withError(status.getErrors(), errorCode, message, null, status.getAttempts()));
    status.setErrorCode(errorCode);
    status.setErrorMessage(message);
    return end(status, now);
  }

  private static JobTaskStatus end(JobTaskStatus status, Instant now) {
    status.setFinishedAt(Timestamps.format(now));
    status.setUpdatedAt(Timestamps.format(now));
    boolean success = status.getStatus() == TaskState.SUCCESS;
    status.setConditions(Conditions.with(status.getConditions(), Conditions.COMPLETE, success, "Succeeded",
        "the plugin succeeded", 0, now));
    status.setConditions(Conditions.with(status.getConditions(), Conditions.FAILED, !success,
        status.getErrorCode() == null ? "Failed" : status.getErrorCode(),
        status.getErrorMessage() == null ? "the task ended " + status.getStatus() : status.getErrorMessage(), 0, now));
    return status;
  }

  private static List<TaskError> withError(List<TaskError> errors, String code, String message, String podName,
      int attempt) {
    List<TaskError> result = errors == null ? new ArrayList<>() : new ArrayList<>(errors);
    TaskError error = new TaskError();
    error.setErrorCode(code);
    error.setMessage(message);
    if (podName != null) {
      error.setAdditional(Map.of(POD_KEY, podName, "attempt", attempt));
    }
    result.add(error);
    return result;
  }

  private static JobTaskStatus copy(JobTaskStatus status) {
    return status == null ? new JobTaskStatus() : Serialization.clone(status);
  }
}
