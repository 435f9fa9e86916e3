package dev.rapport.crm;

/**
 * A write named a version that is no longer current: somebody else changed the record first. Nothing was written;
 * re-read and try again.
 */
public final class ConcurrentModificationException extends CrmException {
  private static final long serialVersionUID = 1L;

  public ConcurrentModificationException(String message) {
    super(message);
  }

  @Override
  public String code() {
    return "CONCURRENT_MODIFICATION";
  }

  @Override
  public boolean isTransient() {
    return true;
  }
}
