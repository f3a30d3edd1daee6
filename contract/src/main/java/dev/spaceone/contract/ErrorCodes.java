package dev.spaceone.contract;

/**
 * Every error code this project writes: into a task's or Job's status ({@code errorCode}, {@code errors[].error_code})
 * by the operator, and into the result object by the plugin runner and its resource store. Grep-able, SpaceONE's
 * names where SpaceONE has one. README's error code table lists exactly these (ContractReadmeTest checks it). A
 * plugin may report codes of its own in its result's {@code errors}.
 */
public final class ErrorCodes {
  // The operator: a task's outcome.
  /** The plugin exited non-zero (file protocol), or the runner's stream or call broke (grpc). */
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

  // The operator: a Job's outcome.
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

  // The plugin runner: the whole task.
  /**
   * Nothing accepted connections on the plugin endpoint before the connect deadline; or (operator, from the pod's
   * status) the plugin sidecar's startup probe never passed, so the runner never started.
   */
  public static final String PLUGIN_UNREACHABLE = "ERROR_PLUGIN_UNREACHABLE";
  /** The runner's own deadline (the task's timeout, or a unary call's bound) ran out. */
  public static final String PLUGIN_TIMEOUT = "ERROR_PLUGIN_TIMEOUT";
  /** task.json or the runner's environment cannot be used. */
  public static final String INVALID_TASK = "ERROR_INVALID_TASK";
  /** A cost row without billed_date (SpaceONE's name). */
  public static final String REQUIRED_PARAMETER = "ERROR_REQUIRED_PARAMETER";
  /** The log sink could not print a record. */
  public static final String SINK_LOG = "ERROR_SINK_LOG";
  /** The resource store's database cannot be reached. */
  public static final String SINK_UNREACHABLE = "ERROR_SINK_UNREACHABLE";
  /** The database refused the login. */
  public static final String SINK_AUTH = "ERROR_SINK_AUTH";
  /** TLS to the database failed or was refused. */
  public static final String SINK_TLS = "ERROR_SINK_TLS";
  /** The sink's settings are missing or wrong, or there is no such database. */
  public static final String SINK_CONFIG = "ERROR_SINK_CONFIG";
  /** The store's schema cannot be created or migrated. */
  public static final String SINK_SCHEMA = "ERROR_SINK_SCHEMA";
  /** The connection was lost while writing. */
  public static final String SINK_WRITE = "ERROR_SINK_WRITE";

  // The plugin runner: one resource (an entry of errors[]; the task goes on).
  /** The plugin answered FAILURE for the resource (SpaceONE's name). */
  public static final String PLUGIN = "ERROR_PLUGIN";
  /** The resource has an unknown resource_type (SpaceONE's name). */
  public static final String UNKNOWN = "ERROR_UNKNOWN";
  /** The resource has no usable match_rules (SpaceONE's name). */
  public static final String MATCH_RULE = "ERROR_MATCH_RULE";
  /** A match_rules priority matched more than one stored resource (SpaceONE's name). */
  public static final String TOO_MANY_MATCH = "ERROR_TOO_MANY_MATCH";
  /** PostgreSQL refused the resource's document (a \u0000 in a string, say). */
  public static final String RESOURCE_NOT_STORABLE = "ERROR_RESOURCE_NOT_STORABLE";

  private ErrorCodes() {
  }
}
