package dev.rapport.crm.error;

/** The store was asked for something it declared it does not support. Raised explicitly, never degraded silently. */
public final class CapabilityUnsupportedException extends CrmException {
  private static final long serialVersionUID = 1L;

  public CapabilityUnsupportedException(String message) {
    super(message);
  }

  @Override
  public String code() {
    return "CAPABILITY_UNSUPPORTED";
  }

  @Override
  public boolean isTransient() {
    return false;
  }
}
