package dev.spaceone.runner.result;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** One error of a task, in SpaceONE's JobTask shape: {error_code, message, additional?}. */
public record ErrorInfo(String errorCode, String message, ObjectNode additional) {
  public ErrorInfo(String errorCode, String message) {
    this(errorCode, message, null);
  }
}
