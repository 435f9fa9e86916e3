package dev.rapport.crm.mongo;

/**
 * Points in a commit where tests inject a crash (package-private hook): after each step that leaves state behind,
 * so a crash test can check that recovery completes the commit exactly once. Declared in the order an envelope-mode
 * commit passes them; {@link #AFTER_POSITIONS_SET} is only passed by a round that positions records already in
 * their collections (transaction mode, recovery, a commit that found the feed lease busy).
 */
enum Fault {
  /** The single document write carrying the envelope (or the carrier document) is durable. */
  AFTER_DOCUMENT_WRITE,
  /**
   * Positions are allocated on the feed document (in flight, with the envelope they are for, in envelope mode) but
   * not yet on any record.
   */
  AFTER_ALLOCATION,
  /**
   * The envelope's change and stream records are inserted (with their allocated positions in envelope mode's common
   * path; without, when drained by recovery or while the lease was busy), but not published and the envelope is
   * not cleared.
   */
  AFTER_DRAIN_INSERTS,
  /** Positions are written to records that were already in their collections, but not yet published. */
  AFTER_POSITIONS_SET,
  /** Positions are published; in a general round the change-feed lease is not yet released. */
  AFTER_PUBLISH,
  /** The envelope is cleared (after publication in envelope mode's common path). */
  AFTER_ENVELOPE_CLEARED
}
