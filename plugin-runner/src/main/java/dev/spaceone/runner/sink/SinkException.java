package dev.spaceone.runner.sink;

/**
 * A record or the sink failed, with an error code (e.g. ERROR_SINK_UNREACHABLE) and a message without secrets.
 * {@link #recordOnly()}: only that record is lost (a failure of the record, as in SpaceONE); otherwise the task fails.
 */
public class SinkException extends Exception {
  private final String errorCode;
  private final boolean recordOnly;

  public SinkException(String errorCode, String message, Throwable cause) {
    this(errorCode, message, cause, false);
  }

  public SinkException(String errorCode, String message, Throwable cause, boolean recordOnly) {
    super(message, cause);
    this.errorCode = errorCode;
    this.recordOnly = recordOnly;
  }

  public String errorCode() {
    return errorCode;
  }

  public boolean recordOnly() {
    return recordOnly;
  }
}
