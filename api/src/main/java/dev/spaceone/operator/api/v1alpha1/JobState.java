package dev.spaceone.operator.api.v1alpha1;

/** The value of a Job's {@code status.status}, as SpaceONE names it. */
public enum JobState {
  CREATED,
  IN_PROGRESS,
  SUCCESS,
  FAILURE,
  TIMEOUT,
  CANCELED,
  ERROR;

  public boolean isFinished() {
    return this != CREATED && this != IN_PROGRESS;
  }
}
