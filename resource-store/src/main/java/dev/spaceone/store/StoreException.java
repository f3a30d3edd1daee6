package dev.spaceone.store;

/**
 * The store cannot do its work for the whole task (database unreachable, credentials refused, schema not
 * migratable, connection lost): the task fails with {@link #errorCode()} and a message that never holds a secret.
 */
public final class StoreException extends Exception {
  public static final String UNREACHABLE = "ERROR_SINK_UNREACHABLE";
  public static final String AUTH = "ERROR_SINK_AUTH";
  public static final String TLS = "ERROR_SINK_TLS";
  public static final String CONFIG = "ERROR_SINK_CONFIG";
  public static final String SCHEMA = "ERROR_SINK_SCHEMA";
  public static final String WRITE = "ERROR_SINK_WRITE";

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
