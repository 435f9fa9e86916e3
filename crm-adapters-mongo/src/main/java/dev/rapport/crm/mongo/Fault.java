package dev.rapport.crm.mongo;

/**
 * Points in a commit where tests inject a crash (package-private hook): after each step that leaves state behind,
 * so a crash test can check that recovery completes the commit exactly once.
 */
enum Fault {
  /** The single document write carrying the envelope (or the carrier document) is durable. */
  AFTER_DOCUMENT_WRITE,
  /** The envelope's change and stream records are inserted, unpositioned, but the envelope is not cleared. */
  AFTER_DRAIN_INSERTS,
  /** The envelope is cleared; the records have no positions yet. */
  AFTER_ENVELOPE_CLEARED,
  /** Positions are allocated on the feed document (in flight) but not yet written to the records. */
  AFTER_ALLOCATION,
  /** Positions are written to the records but not yet published. */
  AFTER_POSITIONS_SET,
  /** Positions are published; the change-feed lease is not yet released. */
  AFTER_PUBLISH
}
