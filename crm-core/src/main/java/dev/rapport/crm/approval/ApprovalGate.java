package dev.rapport.crm.approval;

/**
 * The approval port: may park a command as a pending approval request instead of letting it apply (a credit limit
 * above a threshold, say). crm-workflow implements it; {@link #none()} lets every command through.
 */
public interface ApprovalGate {

  GateDecision evaluate(GateRequest request);

  /** Lets every command through; the command path skips building a {@link GateRequest} for it. */
  static ApprovalGate none() {
    return NoApprovalGate.INSTANCE;
  }
}
