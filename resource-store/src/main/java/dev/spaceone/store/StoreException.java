package dev.spaceone.store;

/**
 * The store cannot do its work for the whole task (database unreachable, credentials refused, schema not
 * migratable, connection lost): the task fails with {@link #errorCode()} (one of {@code ErrorCodes.SINK_*}) and a message that never holds a secret.
 */
public final class StoreException extends Exception {
  private final String errorCode;

  public StoreException(String errorCode, String message, Throwable cause) {
    super(message, cause);
    this.errorCode = errorCode;
  }

  public StoreException(String errorCode, String message) {
    this(errorCode, message, null);
  }

  public String errorCode() {
    return errorCode;
  }
}
