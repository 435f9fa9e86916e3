package dev.rapport.crm.approval;

/** {@link ApprovalGate#none()}: one instance, so the command path can tell it apart and skip the request. */
final class NoApprovalGate implements ApprovalGate {
  static final NoApprovalGate INSTANCE = new NoApprovalGate();

  private NoApprovalGate() {}

  @Override
  public GateDecision evaluate(GateRequest request) {
    return GateDecision.proceed();
  }

  @Override
  public String toString() {
    return "ApprovalGate.none()";
  }
}
