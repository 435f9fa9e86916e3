package dev.rapport.crm.recording;

/** How an attempt ended, as the audit trail records it. */
public enum Outcome {
  /** The change was written. */
  APPLIED,
  /** The access policy refused the attempt; nothing was written (or read). */
  DENIED,
  /** The approval gate parked the command as a pending request; nothing was changed yet. */
  PARKED,
  /** A parked command ran after its approval and its change was written. */
  APPROVED,
  /** The approval gate refused the command, or its approval request was rejected; nothing was changed. */
  REJECTED
}
