package dev.rapport.crm.error;

/**
 * The approval gate parked the command as a pending approval request instead of applying it. Nothing changed yet;
 * the command runs through the normal path once the request is approved. An outcome, not a fault: it carries no stack
 * trace.
 */
public final class ApprovalPendingException extends CrmException {
  private static final long serialVersionUID = 1L;
  private final String requestId;

  public ApprovalPendingException(String requestId, String reason) {
    super("approval required: " + reason + " (request " + requestId + ")", false);
    this.requestId = requestId;
  }

  public String requestId() {
    return requestId;
  }

  @Override
  public String code() {
    return "APPROVAL_PENDING";
  }

  @Override
  public boolean isTransient() {
    return false;
  }
}
