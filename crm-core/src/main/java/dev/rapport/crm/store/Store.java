package dev.rapport.crm.store;

import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Page;
import dev.rapport.crm.query.Query;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The storage kernel: the one SPI a storage adapter implements. A small document store with declared indexes,
 * append-only streams, a change feed and leases, every key scoped by tenant. Everything Rapport persists (customers,
 * cases, audit records, outbox events, approval requests, roles) goes through it, so every module works on every
 * adapter without the adapter knowing the module.
 *
 * <h2>Implementer notes</h2>
 * Each invariant below is a test in {@code crm-testkit}'s kernel TCK; an adapter passes the TCK by subclassing its
 * contract classes once per database. Apply {@link StoreChecks} (arguments, batches, leases) and
 * {@link KeysetPaging} (queries) before touching the database, and raise the failures they build: that way every
 * store rejects the same input with the same exception, rule and message.
 * <ul>
 *   <li><b>Atomicity</b>: {@link #commit} writes all of a batch (documents, stream records, lease check) or nothing.
 *       Stores without {@link Capability#MULTI_DOCUMENT_TRANSACTIONS} must still commit one document write together
 *       with any number of appends atomically.</li>
 *   <li><b>Optimistic concurrency</b>: an update or delete whose expected version is not the stored one fails with
 *       {@code VersionConflictException} and the whole batch changes nothing. An update of a missing document
 *       is a conflict too (someone deleted it).</li>
 *   <li><b>Unique fields</b>: inserting or updating a document so that a unique index value is held twice in the
 *       tenant fails with {@code DuplicateKeyException} naming the index ({@code "id"} for a duplicate document id
 *       or stream record id). Translate vendor errors by SQLState / error code, never by message text.</li>
 *   <li><b>Query equivalence</b>: {@link #query} and {@link #count} return exactly what
 *       {@link dev.rapport.crm.query.CriteriaEvaluator} selects and {@link dev.rapport.crm.query.Sort} orders,
 *       including missing-value and code-point string ordering. Validate criteria and sorts with
 *       {@link CollectionSpec#check} before translating them ({@link KeysetPaging#criteria} does, and adds the cursor's
 *       {@link dev.rapport.crm.query.Keyset} condition).</li>
 *   <li><b>Tenant isolation</b>: no method reads or writes outside the tenant it is given.</li>
 *   <li><b>Change feed</b>: every committed document write gets a position; {@link #changes} after P returns every
 *       change committed after the reader saw P, in position order, even when concurrent transactions commit out
 *       of order. Streams give the same guarantee per stream.</li>
 *   <li><b>Retention</b>: {@link #purge} deletes stream records and leaves every other record as it was. Positions
 *       are never reused: a store that numbers new records on from the ones it holds (the greatest stored position
 *       plus one) must not let a purge lower that number; keep the counter apart from the records, or leave alone
 *       the records the numbering reads (PostgreSQL's {@code JdbcStore} numbers a transaction's records on from the
 *       greatest position that transaction holds, so a purge there leaves the records of its own transaction, which
 *       its {@link #read} does not return either). A store that can insert a record again from a copy it keeps
 *       for recovery (MongoDB's pending envelopes) must drop the copy before it deletes the record.</li>
 *   <li><b>Leases</b>: {@link #tryAcquire} grants a lease to one owner at a time; an expired lease can be taken
 *       over (with a greater token); the holder can renew before expiry.</li>
 *   <li><b>Capabilities</b>: declare exactly what you support.</li>
 * </ul>
 * Stores must be thread-safe. Stores take their resources (a {@code DataSource}, a {@code MongoClient}) from the
 * host and never close them.
 */
public interface Store {

  /** What this store supports; see {@link Capability}. */
  Set<Capability> capabilities();

  /**
   * Declares a collection and its indexes; creates whatever the store needs (tables, indexes). Idempotent: calling
   * it again with the same spec, or from two nodes at once, is a no-op. Called by {@code Crm.builder().build()} for
   * every collection a module uses. Registering a changed spec for an existing name is the adapter's migration
   * problem; at least adding indexes must work.
   */
  void register(CollectionSpec spec);

  /** The specs registered so far. */
  List<CollectionSpec> collections();

  /** The document, if it exists in the tenant. */
  Optional<Document> get(TenantId tenant, String collection, String id);

  /** The document holding {@code value} in unique index {@code field}, if any. */
  Optional<Document> findUnique(TenantId tenant, String collection, String field, Object value);

  /** One page of documents matching the query, in its sort order, with a cursor when more may follow. */
  Page<Document> query(TenantId tenant, String collection, Query query);

  /** How many documents match. */
  long count(TenantId tenant, String collection, Criteria criteria);

  /** Applies a batch atomically; see the class notes for the failures. */
  Committed commit(TenantId tenant, WriteBatch batch);

  /**
   * Rewrites the stored index values of {@code documents}, leaving their bodies, versions and timestamps as they are
   * and writing nothing to the change feed: values computed again from the same bodies, after the collection gained
   * fields (a tenant's newly indexed custom field) or a release derives a value differently ({@code Crm#reindex}).
   * Each document names the version its values were computed from; one whose stored version differs (changed or
   * deleted since) is skipped: its writer wrote its values. A value that would hold a unique index twice fails with
   * {@code DuplicateKeyException} naming the field; atomic per document at least (the documents before it may stay
   * rewritten).
   *
   * @return how many documents were rewritten
   */
  int reindex(TenantId tenant, String collection, List<Document> documents);

  /** Committed document writes after {@code afterPosition} (0 for the start), oldest first, at most {@code limit}. */
  List<Change> changes(TenantId tenant, long afterPosition, int limit);

  /** Records of a stream after {@code afterPosition} (0 for the start), oldest first, at most {@code limit}. */
  List<StreamRecord> read(TenantId tenant, String stream, long afterPosition, int limit);

  /**
   * Deletes the records of {@code stream} at {@code positions}, for retention (e.g. audit records past their retention
   * period, once a hash-chain checkpoint covers them). The records not named keep their positions and content, and
   * readers skip the deleted ones: {@link #read} returns the rest in position order, after any position, a deleted
   * one included. Positions are never reused: a later append gets a position greater than any the stream has had,
   * a deleted newest one included. A deleted record's id is free again (appended again, it is a new record at a new
   * position).
   *
   * <p>A position that holds no record of that stream in the tenant is ignored, and so is one whose record
   * {@link #read} does not return yet (a record of a commit still being published, or of the transaction the purge
   * runs in; see the implementer notes); a position named twice counts once. Not part of a {@link WriteBatch} and
   * not in the change feed, which records document writes. Not atomic on every store: a failure may leave part of
   * the positions purged, and purging the same positions again is safe.
   *
   * <pre>{@code
   * List<Long> expired = store.read(tenant, "audit", after, 1_000).stream()
   *     .filter(r -> r.recordedAt().isBefore(cutoff)).map(StreamRecord::position).toList();
   * int purged = store.purge(tenant, "audit", expired);
   * }</pre>
   *
   * @param positions at most {@value StoreChecks#MAX_PURGE_POSITIONS}, each positive (see
   *     {@link StoreChecks#checkPurge}); none: nothing is deleted
   * @return how many records were deleted
   */
  int purge(TenantId tenant, String stream, Collection<Long> positions);

  /**
   * Grants lease {@code name} to {@code owner} for {@code ttl} if it is free, expired, or already held by the same
   * owner (a renewal, keeping the token). Empty when another owner holds it.
   */
  Optional<Lease> tryAcquire(TenantId tenant, String name, String owner, Duration ttl);

  /** Gives a lease up early; false if it was no longer held by that owner and token. */
  boolean release(TenantId tenant, Lease lease);

  default boolean supports(Capability capability) {
    return capabilities().contains(capability);
  }
}
