package dev.rapport.crm.workflow;

/**
 * Where an approval request stands. {@code PENDING} until decided; then {@code APPROVED} (the command runs, see
 * {@link ApprovalRequest#execution()}), {@code REJECTED} by a vote, {@code WITHDRAWN} by the requester, or
 * {@code EXPIRED} when a time limit ran out with {@link OnExpiry#reject()}.
 */
public enum RequestState {
  PENDING, APPROVED, REJECTED, WITHDRAWN, EXPIRED;

  public boolean closed() {
    return this != PENDING;
  }
}
