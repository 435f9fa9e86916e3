package dev.rapport.crm.approval;

import dev.rapport.crm.store.WriteBatch;
import java.util.List;
import java.util.Objects;

/** Proceed with the command, park it as a pending approval request, or reject it. */
public sealed interface GateDecision {

  /** Let the command apply. */
  record Proceed() implements GateDecision {}

  /**
   * Park the command: nothing of it is applied; the gate's own {@code writes} and {@code appends} (the approval
   * request, holding the {@link ParkedCommand}) are committed together with the command's {@code PARKED} audit
   * record, in one commit, and the caller gets {@code ApprovalPendingException} with {@code requestId}. On stores
   * without multi-document transactions the parked command's own document is the one document a commit may write:
   * {@code writes} must then be empty, and a gate keeps what it opens in {@code appends} (stream records, which such
   * stores commit atomically with one document).
   */
  record Park(String requestId, String reason, List<WriteBatch.Write> writes, List<WriteBatch.Append> appends)
      implements GateDecision {
    public Park {
      Objects.requireNonNull(requestId, "requestId");
      Objects.requireNonNull(reason, "reason");
      writes = List.copyOf(writes);
      appends = List.copyOf(appends);
    }
  }

  /**
   * Refuse the command (a record locked by a pending request, an automatic rejection rule): nothing is applied, a
   * {@code REJECTED} audit record is written, and the caller gets {@code ApprovalRejectedException}.
   *
   * @param requestId the request this relates to (the pending one that locks the record), if any
   */
  record Reject(String reason, List<String> rules, @org.jspecify.annotations.Nullable String requestId)
      implements GateDecision {
    public Reject {
      Objects.requireNonNull(reason, "reason");
      rules = List.copyOf(rules);
    }
  }

  static GateDecision proceed() {
    return new Proceed();
  }

  /** Park with the gate's request document write(s). */
  static GateDecision park(String requestId, String reason, List<WriteBatch.Write> writes) {
    return new Park(requestId, reason, writes, List.of());
  }

  static GateDecision reject(String reason, String... rules) {
    return new Reject(reason, List.of(rules), null);
  }
}
