package dev.rapport.crm.error;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The approval gate refused the command (for example, the record is locked by a pending approval request).
 * Nothing changed.
 */
public final class ApprovalRejectedException extends CrmException {
  private static final long serialVersionUID = 1L;
  private final List<String> rules;
  private final @Nullable String requestId;

  public ApprovalRejectedException(String reason, List<String> rules, @Nullable String requestId) {
    super("rejected: " + reason + (requestId == null ? "" : " (request " + requestId + ")")
        + (rules.isEmpty() ? "" : " (rules: " + String.join(", ", rules) + ")"));
    this.rules = List.copyOf(rules);
    this.requestId = requestId;
  }

  /** The gate's rules that rejected the command. */
  public List<String> rules() {
    return rules;
  }

  /** The approval request this relates to, if any. */
  public @Nullable String requestId() {
    return requestId;
  }

  @Override
  public String code() {
    return "APPROVAL_REJECTED";
  }

  @Override
  public boolean isTransient() {
    return false;
  }
}
