package dev.rapport.crm.approval;

import java.util.Objects;

/** Proceed with the command, or park it as a pending approval request. */
public sealed interface GateDecision {
  record Proceed() implements GateDecision {}

  record Park(String requestId, String reason) implements GateDecision {
    public Park {
      Objects.requireNonNull(requestId, "requestId");
      Objects.requireNonNull(reason, "reason");
    }
  }

  static GateDecision proceed() {
    return new Proceed();
  }
}
