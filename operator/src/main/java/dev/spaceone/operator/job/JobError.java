package dev.spaceone.operator.job;

/** Why a Job cannot run: it ends ERROR with this code and message. */
public record JobError(String code, String message) {
  public static final String INVALID_PARAMETER = "ERROR_INVALID_PARAMETER";
  public static final String SECRET_NOT_FOUND = "ERROR_SECRET_NOT_FOUND";
  public static final String TOO_MANY_TASKS = "ERROR_TOO_MANY_TASKS";

  static JobError invalid(String field, String problem) {
    return new JobError(INVALID_PARAMETER, field + ": " + problem);
  }
}
