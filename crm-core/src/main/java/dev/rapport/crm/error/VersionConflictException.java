package dev.rapport.crm.error;

/**
 * A write named a version that is no longer current: somebody else changed the record first. Nothing was written;
 * re-read and try again.
 */
public final class VersionConflictException extends CrmException {
  private static final long serialVersionUID = 1L;

  public VersionConflictException(String message) {
    super(message);
  }

  @Override
  public String code() {
    return "VERSION_CONFLICT";
  }

  @Override
  public boolean isTransient() {
    return true;
  }
}
