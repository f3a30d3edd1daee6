package dev.spaceone.runner.result;

/** The error codes the runner itself reports (the plugin's own codes pass through as SpaceONE records them). */
public final class ErrorCodes {
  /** The plugin's stream or call broke, or it answered something that is not the expected gRPC message. */
  public static final String COLLECTOR_PLUGIN = "ERROR_COLLECTOR_PLUGIN";
  /** Nothing accepted connections on the plugin endpoint before the connect deadline. */
  public static final String PLUGIN_UNREACHABLE = "ERROR_PLUGIN_UNREACHABLE";
  /** The runner's own deadline (the task's timeout, or a unary call's bound) ran out. */
  public static final String PLUGIN_TIMEOUT = "ERROR_PLUGIN_TIMEOUT";
  /** task.json or the runner's environment cannot be used. */
  public static final String INVALID_TASK = "ERROR_INVALID_TASK";
  /** The sink (where collected resources go) failed as a whole, not for one resource. */
  public static final String SINK = "ERROR_SINK";

  private ErrorCodes() {
  }
}
