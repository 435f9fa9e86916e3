package dev.rapport.crm.approval;

/**
 * The approval port: may park a command as a pending approval request instead of letting it apply (a credit limit
 * above a threshold, say), or reject it. crm-workflow implements it; {@link #none()} lets every command through.
 *
 * <h2>Implementer notes</h2>
 * <ul>
 *   <li>{@link #evaluate} runs on the command's thread, after authorization and the business step, before anything
 *       is written. It may read the store (pending requests, definitions) but writes only through
 *       {@link GateDecision.Park}, whose writes are committed atomically with the command's audit record.</li>
 *   <li>Store the {@link GateRequest#command()} with the request; when the request is approved, hand it to
 *       {@link ParkedCommands#resume} with the {@link Approval}. The resumed run comes back through
 *       {@code evaluate} with {@link GateRequest#resuming()} set: answer {@code Proceed} (or {@code Reject}); a
 *       {@code Park} of a resumed command is refused by the command path.</li>
 *   <li>Resumption is idempotent per request id, so a gate (or two nodes) may call {@code resume} again after a
 *       crash without running the command twice.</li>
 * </ul>
 */
public interface ApprovalGate {

  GateDecision evaluate(GateRequest request);

  /** Lets every command through; the command path skips building a {@link GateRequest} for it. */
  static ApprovalGate none() {
    return NoApprovalGate.INSTANCE;
  }
}
