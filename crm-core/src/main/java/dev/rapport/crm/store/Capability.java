package dev.rapport.crm.store;

/**
 * What a store supports beyond the invariants every store meets. The TCK skips only tests of capabilities a store
 * declares unsupported, and modules check them and fail loudly rather than degrade silently.
 */
public enum Capability {
  /** A {@link WriteBatch} may write several documents atomically. Without it, a batch writes at most one document
   * (plus any number of stream appends) and a larger batch fails with {@code CapabilityUnsupportedException}. */
  MULTI_DOCUMENT_TRANSACTIONS,
  /** Work can be claimed with row locks that skip locked rows ({@code FOR UPDATE SKIP LOCKED}). */
  SKIP_LOCKED,
  /** The store can join a transaction the host has open (JDBC connection-provider hook). */
  HOST_TRANSACTIONS,
  /** Data survives a restart of the JVM. */
  DURABLE
}
