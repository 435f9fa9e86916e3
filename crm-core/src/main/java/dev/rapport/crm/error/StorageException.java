package dev.rapport.crm.error;

/**
 * The store failed. {@link #isTransient()} tells a lost connection or a serialization failure (retry may help) from
 * a permanent fault (schema missing, permission denied). Adapters decide by SQLState or vendor error code, never by
 * message text.
 */
public final class StorageException extends CrmException {
  private static final long serialVersionUID = 1L;
  private final boolean transientFailure;

  public StorageException(String message, boolean transientFailure, Throwable cause) {
    super(message, cause);
    this.transientFailure = transientFailure;
  }

  public StorageException(String message, boolean transientFailure) {
    super(message);
    this.transientFailure = transientFailure;
  }

  @Override
  public String code() {
    return transientFailure ? "STORAGE_TRANSIENT" : "STORAGE";
  }

  @Override
  public boolean isTransient() {
    return transientFailure;
  }
}
