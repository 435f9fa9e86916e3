package dev.rapport.crm.error;

import java.util.List;

/** The access policy denied the action. Carries the ids of the rules that decided, for explanation and audit. */
public final class AccessDeniedException extends CrmException {
  private static final long serialVersionUID = 1L;
  private final List<String> decidingRules;

  public AccessDeniedException(String message, List<String> decidingRules) {
    super(message + (decidingRules.isEmpty() ? "" : " (rules: " + String.join(", ", decidingRules) + ")"));
    this.decidingRules = List.copyOf(decidingRules);
  }

  public List<String> decidingRules() {
    return decidingRules;
  }

  @Override
  public String code() {
    return "ACCESS_DENIED";
  }

  @Override
  public boolean isTransient() {
    return false;
  }
}
