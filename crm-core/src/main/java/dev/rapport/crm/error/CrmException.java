package dev.rapport.crm.error;

/**
 * The root of every exception Rapport throws. Unchecked, with a stable {@link #code()} a host can map to its own
 * responses, and split by {@link #isTransient()} into failures a retry may fix and failures it cannot.
 */
public abstract class CrmException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  protected CrmException(String message) {
    super(message);
  }

  protected CrmException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * For an exception that reports an expected outcome rather than a fault ({@link ApprovalPendingException}): no
   * stack trace is taken, which is most of what throwing costs.
   */
  protected CrmException(String message, boolean withStackTrace) {
    super(message, null, false, withStackTrace);
  }

  /** A stable, documented error code such as {@code VALIDATION} or {@code VERSION_CONFLICT}. */
  public abstract String code();

  /** True when repeating the same call later may succeed (a conflict, a lost connection); false otherwise. */
  public abstract boolean isTransient();
}
