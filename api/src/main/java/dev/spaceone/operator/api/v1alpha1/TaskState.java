package dev.spaceone.operator.api.v1alpha1;

/** The value of a JobTask's {@code status.status}, as SpaceONE names it. */
public enum TaskState {
  PENDING,
  IN_PROGRESS,
  SUCCESS,
  FAILURE,
  CANCELED,
  TIMEOUT;

  public boolean isFinished() {
    return this != PENDING && this != IN_PROGRESS;
  }
}
