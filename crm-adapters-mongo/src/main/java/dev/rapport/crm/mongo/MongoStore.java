package dev.rapport.crm.mongo;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.mongo.internal.MongoErrors;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Page;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.store.Capability;
import dev.rapport.crm.store.Change;
import dev.rapport.crm.store.CollectionSpec;
import dev.rapport.crm.store.Committed;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.FeedArguments;
import dev.rapport.crm.store.Lease;
import dev.rapport.crm.store.Store;
import dev.rapport.crm.store.StoreChecks;
import dev.rapport.crm.store.StreamRecord;
import dev.rapport.crm.store.WriteBatch;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.bson.BsonDocument;
import org.bson.BsonInt32;

/**
 * The storage kernel on MongoDB, over the host's {@link MongoClient} (never created, never closed here).
 *
 * <pre>{@code
 * Store store = MongoStore.create(mongoClient, "crm");            // AUTO: transactions on a replica set
 * Store store = MongoStore.builder(mongoClient, "crm")
 *     .clock(clock).transactionMode(TransactionMode.ENVELOPE).build();
 * }</pre>
 *
 * <p>On a replica set or sharded cluster a batch is one multi-document transaction and the store declares
 * {@link Capability#MULTI_DOCUMENT_TRANSACTIONS}. On a standalone server it uses the pending-envelope pattern: a
 * batch writes at most one document, which carries its change entry and stream records in one atomic write; they
 * are then drained to their collections idempotently. A crash in between leaves the envelope behind (and, in either
 * mode, a crash after the write can leave records without change-feed positions); recovery completes both.
 *
 * <p><b>Recovery.</b> Each store instance runs {@link #recoverAll()} itself before its first operation (the first
 * {@code register}, read, commit or lease call; once per instance, other threads wait for it), so a node that
 * restarts after a crash drains what it left behind without the host doing anything. If that pass fails it is
 * logged and retried by a later operation, at most once per feed-lease TTL. A crash of <em>another</em> node while
 * this one keeps running is only seen by a scheduled pass: hosts should call {@code store.recoverAll()} every
 * minute or so. Every node may do that (recovery is idempotent and each tenant's round runs under its feed lease),
 * or one node only. While a crashed node's feed lease is still live (at most {@code feedLeaseTtl}, 10 s by
 * default), other nodes' commits of that tenant are written but wait for the lease to assign their positions; once
 * it expires they take it over and first complete the crashed node's round. See the module README for the layout
 * and the change-feed mechanism.
 *
 * <p>This class checks arguments ({@link StoreChecks}) and hands each operation to the package-private part that
 * does it: {@code MongoSchema} (collections, indexes, registered specs), {@code DocumentReads}, {@code FeedReads},
 * {@code Commits} (both modes; {@code DocumentWrites} for one document, {@code Envelopes} for the pending
 * envelopes), {@code ChangeFeed} (positions), {@code Recovery}, {@code Purges} (retention), {@code LeaseCollection}.
 */
public final class MongoStore implements Store {
  private final MongoDatabase db;
  private final TransactionMode mode;
  private final Set<Capability> capabilities;
  /** Crash points for tests (CrashRecoveryTest): called at each step of a commit's publication. */
  volatile Consumer<Fault> faults = f -> { };
  private final MongoSchema schema;
  private final DocumentReads reads;
  private final FeedReads feedReads;
  private final Commits commits;
  private final Recovery recovery;
  private final Purges purges;
  private final LeaseCollection leases;

  private MongoStore(Builder b) {
    this.db = b.client.getDatabase(b.database);
    this.mode = b.mode == TransactionMode.AUTO ? detect(db) : b.mode;
    this.capabilities = mode == TransactionMode.TRANSACTIONS
        ? Set.copyOf(EnumSet.of(Capability.DURABLE, Capability.MULTI_DOCUMENT_TRANSACTIONS))
        : Set.of(Capability.DURABLE);
    Consumer<Fault> fault = f -> faults.accept(f);
    this.schema = new MongoSchema(db);
    Envelopes envelopes = new Envelopes(schema, fault);
    ChangeFeed feed = new ChangeFeed(db, b.clock, b.nodeId, b.feedLeaseTtl, b.feedLeaseTtl.multipliedBy(3), fault,
        envelopes);
    this.reads = new DocumentReads(schema);
    this.feedReads = new FeedReads(schema, feed);
    this.leases = new LeaseCollection(schema, b.clock);
    this.commits = new Commits(b.client, b.clock, mode, schema, feed, envelopes, leases, fault);
    this.recovery = new Recovery(schema, feed, envelopes, b.feedLeaseTtl, toString());
    this.purges = new Purges(schema, feed, envelopes);
    try {
      schema.setUp();
    } catch (MongoException e) {
      throw MongoErrors.translate("create the kernel's collections and indexes", e);
    }
  }

  /** A store on database {@code database} of the host's client, with the defaults of {@link #builder}. */
  public static MongoStore create(MongoClient client, String database) {
    return builder(client, database).build();
  }

  /** A builder; defaults: system UTC clock, {@link TransactionMode#AUTO}, a random node id, 10 s feed lease. */
  public static Builder builder(MongoClient client, String database) {
    return new Builder(client, database);
  }

  /** The unit-of-work mode in force (never {@code AUTO}). */
  public TransactionMode transactionMode() {
    return mode;
  }

  /** Settings of a {@link MongoStore}; each is validated when set. */
  public static final class Builder {
    private final MongoClient client;
    private final String database;
    private Clock clock = Clock.systemUTC();
    private TransactionMode mode = TransactionMode.AUTO;
    private String nodeId = UUID.randomUUID().toString();
    private Duration feedLeaseTtl = Duration.ofSeconds(10);

    private Builder(MongoClient client, String database) {
      this.client = Objects.requireNonNull(client, "client");
      this.database = Objects.requireNonNull(database, "database");
      if (database.isEmpty() || database.length() > 63 || !database.matches("[A-Za-z0-9_\\-]+")) {
        throw new IllegalArgumentException("database name must be 1-63 characters of letters, digits, '_', '-'");
      }
    }

    /** The clock for commit times and lease expiry (all nodes should agree on time). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public Builder transactionMode(TransactionMode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /** This node's name as owner of the change-feed lease; unique per store instance. */
    public Builder nodeId(String nodeId) {
      Objects.requireNonNull(nodeId, "nodeId");
      if (nodeId.isEmpty()) {
        throw new IllegalArgumentException("nodeId must not be empty");
      }
      this.nodeId = nodeId;
      return this;
    }

    /** How long a node may hold the change-feed lease before another node may take it over (after a crash). */
    public Builder feedLeaseTtl(Duration ttl) {
      Objects.requireNonNull(ttl, "ttl");
      if (ttl.isNegative() || ttl.isZero()) {
        throw new IllegalArgumentException("feedLeaseTtl must be positive");
      }
      this.feedLeaseTtl = ttl;
      return this;
    }

    public MongoStore build() {
      return new MongoStore(this);
    }
  }

  private static TransactionMode detect(MongoDatabase db) {
    BsonDocument hello;
    try {
      hello = db.runCommand(new BsonDocument("hello", new BsonInt32(1)), BsonDocument.class);
    } catch (MongoCommandException e) {
      try {
        hello = db.runCommand(new BsonDocument("isMaster", new BsonInt32(1)), BsonDocument.class);
      } catch (MongoCommandException e2) {
        return TransactionMode.ENVELOPE;
      }
    }
    boolean replicated = hello.containsKey("setName")
        || (hello.isString("msg") && hello.getString("msg").getValue().equals("isdbgrid"));
    boolean sessions = hello.containsKey("logicalSessionTimeoutMinutes");
    return replicated && sessions ? TransactionMode.TRANSACTIONS : TransactionMode.ENVELOPE;
  }

  @Override
  public Set<Capability> capabilities() {
    return capabilities;
  }

  @Override
  public void register(CollectionSpec spec) {
    recovery.onFirstUse();
    schema.register(Objects.requireNonNull(spec, "spec"));
  }

  @Override
  public List<CollectionSpec> collections() {
    return schema.collections();
  }

  @Override
  public Optional<Document> get(TenantId tenant, String collection, String id) {
    recovery.onFirstUse();
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(id, "id");
    return reads.get(tenant, collection, id);
  }

  @Override
  public Optional<Document> findUnique(TenantId tenant, String collection, String field, Object value) {
    recovery.onFirstUse();
    Objects.requireNonNull(tenant, "tenant");
    return reads.findUnique(tenant, collection, field, value);
  }

  @Override
  public Page<Document> query(TenantId tenant, String collection, Query query) {
    recovery.onFirstUse();
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(query, "query");
    return reads.query(tenant, collection, query);
  }

  @Override
  public long count(TenantId tenant, String collection, Criteria criteria) {
    recovery.onFirstUse();
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(criteria, "criteria");
    return reads.count(tenant, collection, criteria);
  }

  @Override
  public List<Change> changes(TenantId tenant, long afterPosition, int limit) {
    recovery.onFirstUse();
    Objects.requireNonNull(tenant, "tenant");
    FeedArguments.check(afterPosition, limit);
    return feedReads.changes(tenant, afterPosition, limit);
  }

  @Override
  public List<StreamRecord> read(TenantId tenant, String stream, long afterPosition, int limit) {
    recovery.onFirstUse();
    Objects.requireNonNull(tenant, "tenant");
    StoreChecks.checkStream(stream);
    FeedArguments.check(afterPosition, limit);
    return feedReads.read(tenant, stream, afterPosition, limit);
  }

  @Override
  public int purge(TenantId tenant, String stream, Collection<Long> positions) {
    recovery.onFirstUse();
    Objects.requireNonNull(tenant, "tenant");
    List<Long> purged = StoreChecks.checkPurge(stream, positions);
    return purged.isEmpty() ? 0 : purges.purge(tenant, stream, purged);
  }

  @Override
  public Committed commit(TenantId tenant, WriteBatch batch) {
    recovery.onFirstUse();
    Objects.requireNonNull(tenant, "tenant");
    StoreChecks.checkBatch(batch, schema::specOrNull, capabilities);
    return commits.commit(tenant, batch);
  }

  @Override
  public int reindex(TenantId tenant, String collection, List<Document> documents) {
    recovery.onFirstUse();
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(collection, "collection");
    StoreChecks.checkReindex(schema.spec(collection), documents);
    return commits.reindex(tenant, collection, documents);
  }

  /**
   * Completes every unit of work of {@code tenant} that a crash left half-published: drains envelopes still held by
   * documents or carriers, then gives positions to records that have none. Idempotent and safe to run on any node
   * at any time, concurrently with commits.
   */
  public void recover(TenantId tenant) {
    recovery.recover(Objects.requireNonNull(tenant, "tenant"));
  }

  /**
   * Recovers every tenant that has an envelope, an unpositioned record or a round in flight. The store runs it
   * before its first operation; hosts schedule it too (every minute or so, on every node or on one), so a crash of
   * another node is completed without waiting for a restart. Idempotent, safe concurrently with commits.
   */
  public void recoverAll() {
    recovery.recoverAll();
  }

  @Override
  public Optional<Lease> tryAcquire(TenantId tenant, String name, String owner, Duration ttl) {
    recovery.onFirstUse();
    Objects.requireNonNull(tenant, "tenant");
    StoreChecks.checkLease(name, owner, ttl);
    return leases.tryAcquire(tenant, name, owner, ttl);
  }

  @Override
  public boolean release(TenantId tenant, Lease lease) {
    recovery.onFirstUse();
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(lease, "lease");
    return leases.release(tenant, lease);
  }

  @Override
  public String toString() {
    return "MongoStore[" + db.getName() + ", " + mode + "]";
  }
}
