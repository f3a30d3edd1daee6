package dev.spaceone.operator.api.v1alpha1;

/** The value of a JobTask's {@code status.status}, as SpaceONE names it. */
public enum TaskState {
  PENDING,
  IN_PROGRESS,
  SUCCESS,
  FAILURE,
  CANCELED,
  TIMEOUT;

  /** A task's state: PENDING until the operator first wrote its status. */
  public static TaskState of(JobTaskStatus status) {
    return status == null || status.getStatus() == null ? PENDING : status.getStatus();
  }

  public boolean isFinished() {
    return this != PENDING && this != IN_PROGRESS;
  }
}
