package dev.spaceone.runner.grpc;

import dev.spaceone.runner.result.ErrorInfo;

/** A plugin call failed; {@link #error()} is what the task reports. */
public final class PluginCallException extends Exception {
  private final ErrorInfo error;
  private final boolean unimplemented;

  PluginCallException(ErrorInfo error, boolean unimplemented, Throwable cause) {
    super(error.errorCode() + ": " + error.message(), cause);
    this.error = error;
    this.unimplemented = unimplemented;
  }

  public ErrorInfo error() {
    return error;
  }

  /** The plugin does not serve this method (gRPC UNIMPLEMENTED). */
  public boolean unimplemented() {
    return unimplemented;
  }
}
