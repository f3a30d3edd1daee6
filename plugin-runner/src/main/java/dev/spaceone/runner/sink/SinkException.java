package dev.spaceone.runner.sink;

/** A record (or the sink) failed, with SpaceONE's error code (e.g. ERROR_TOO_MANY_MATCH) and message. */
public class SinkException extends Exception {
  private final String errorCode;

  public SinkException(String errorCode, String message, Throwable cause) {
    super(message, cause);
    this.errorCode = errorCode;
  }

  public String errorCode() {
    return errorCode;
  }
}
