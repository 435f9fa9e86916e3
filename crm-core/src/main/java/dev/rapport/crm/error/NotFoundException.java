package dev.rapport.crm.error;

/** The record does not exist in the actor's tenant (or is not visible to the actor). */
public final class NotFoundException extends CrmException {
  private static final long serialVersionUID = 1L;

  public NotFoundException(String message) {
    super(message);
  }

  @Override
  public String code() {
    return "NOT_FOUND";
  }

  @Override
  public boolean isTransient() {
    return false;
  }
}
