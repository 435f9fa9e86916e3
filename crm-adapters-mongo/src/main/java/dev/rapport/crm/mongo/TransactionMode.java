package dev.rapport.crm.mongo;

/**
 * How {@link MongoStore} makes a unit of work atomic.
 *
 * <ul>
 *   <li>{@link #TRANSACTIONS}: multi-document transactions (replica sets and sharded clusters);
 *       {@link dev.rapport.crm.store.Capability#MULTI_DOCUMENT_TRANSACTIONS} is declared.</li>
 *   <li>{@link #ENVELOPE}: the pending-envelope pattern for standalone servers: a batch writes at most one document,
 *       which carries its change and stream records until they are drained to their collections.</li>
 *   <li>{@link #AUTO}: {@code TRANSACTIONS} when the server's {@code hello} reports a replica set or {@code mongos},
 *       otherwise {@code ENVELOPE}.</li>
 * </ul>
 */
public enum TransactionMode {
  AUTO, ENVELOPE, TRANSACTIONS
}
