package dev.spaceone.operator.api;

/**
 * Every error code the operator writes into task and Job statuses ({@code errorCode}, {@code errors[].error_code}),
 * grep-able, SpaceONE style; README's contract table lists them all (a test checks it). A plugin may report codes
 * of its own in its result's {@code errors}.
 */
public final class ErrorCodes {
  /** The plugin exited non-zero. */
  public static final String COLLECTOR_PLUGIN = "ERROR_COLLECTOR_PLUGIN";
  /** The plugin reported failure_count > 0 without an error code of its own. */
  public static final String COLLECT_FAILURE = "ERROR_COLLECT_FAILURE";
  public static final String RESULT_MISSING = "ERROR_PLUGIN_RESULT_MISSING";
  public static final String RESULT_TOO_LARGE = "ERROR_PLUGIN_RESULT_TOO_LARGE";
  public static final String RESULT_MALFORMED = "ERROR_PLUGIN_RESULT_MALFORMED";
  public static final String RESULT_INVALID = "ERROR_PLUGIN_RESULT_INVALID";
  public static final String TASK_TIMEOUT = "ERROR_TASK_TIMEOUT";
  public static final String JOB_TIMEOUT = "ERROR_JOB_TIMEOUT";
  public static final String COLLECT_CANCELED = "ERROR_COLLECT_CANCELED";
  public static final String POD_DELETED = "ERROR_POD_DELETED";
  /**
   * A grpc plugin never served: its sidecar's startup probe never passed (it was restarted, or the task timeout
   * came first), so the runner never started. The runner reports the same code when nothing listens on the port.
   */
  public static final String PLUGIN_UNREACHABLE = "ERROR_PLUGIN_UNREACHABLE";
  /** The plugin's Job.get_tasks failed, or its plan could not be read: the Job is not divided (SpaceONE's name). */
  public static final String GET_JOB_TASKS = "ERROR_GET_JOB_TASKS";
  /** A cost-analysis Job with a failed task, as SpaceONE names it. */
  public static final String JOB_TASK = "ERROR_JOB_TASK";
  /** The Job's spec is invalid (the message names the field): it ends ERROR and creates nothing. */
  public static final String INVALID_PARAMETER = "ERROR_INVALID_PARAMETER";
  /** A task's Secret does not exist. */
  public static final String SECRET_NOT_FOUND = "ERROR_SECRET_NOT_FOUND";
  /** The Job divides into more tasks than allowed. */
  public static final String TOO_MANY_TASKS = "ERROR_TOO_MANY_TASKS";

  private ErrorCodes() {
  }
}
