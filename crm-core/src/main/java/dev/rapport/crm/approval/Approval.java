package dev.rapport.crm.approval;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The approval a parked command runs under when it is resumed. It marks the run as the request's own re-execution
 * (the gate sees it in {@link GateRequest#resuming()} and must not park it again), it is recorded as the approver
 * in the audit trail, and its {@link #requestId()} is the idempotency key: a request runs at most once, on any
 * number of nodes.
 *
 * @param requestId the approval request's id, unique per tenant
 * @param approvers the users whose decisions approved it, in order
 */
public record Approval(String requestId, List<String> approvers, Instant decidedAt) {
  public Approval {
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(decidedAt, "decidedAt");
    approvers = List.copyOf(approvers);
    if (requestId.isBlank() || requestId.length() > 64) {
      throw new IllegalArgumentException("an approval request id has 1-64 characters: " + requestId);
    }
  }
}
