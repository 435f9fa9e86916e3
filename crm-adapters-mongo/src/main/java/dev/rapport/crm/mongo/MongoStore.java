package dev.rapport.crm.mongo;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import dev.rapport.crm.error.VersionConflictException;
import dev.rapport.crm.error.CrmException;
import dev.rapport.crm.error.DuplicateKeyException;
import dev.rapport.crm.error.StorageException;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.mongo.internal.BsonCodec;
import dev.rapport.crm.mongo.internal.FilterTranslator;
import dev.rapport.crm.mongo.internal.MongoErrors;
import dev.rapport.crm.mongo.internal.OrderedStrings;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Page;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.store.Capability;
import dev.rapport.crm.store.Change;
import dev.rapport.crm.store.CollectionSpec;
import dev.rapport.crm.store.Committed;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.FeedArguments;
import dev.rapport.crm.store.IndexSpec;
import dev.rapport.crm.store.KeysetPaging;
import dev.rapport.crm.store.Lease;
import dev.rapport.crm.store.Store;
import dev.rapport.crm.store.StoreChecks;
import dev.rapport.crm.store.StreamRecord;
import dev.rapport.crm.store.WriteBatch;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.bson.BsonArray;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.conversions.Bson;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 */
public final class MongoStore implements Store {
  private static final Logger LOG = LoggerFactory.getLogger(MongoStore.class);
  static final String CHANGES = "rapport_changes";
  static final String LEASES = "rapport_leases";
  static final String ENVELOPES = "rapport_envelopes";
  static final String META = "rapport_meta";
  static final int SCHEMA_VERSION = 1;
  private static final int RECOVERY_ROUND = 500;

  private final MongoClient client;
  private final MongoDatabase db;
  private final Clock clock;
  private final TransactionMode mode;
  private final Set<Capability> capabilities;
  private final ChangeFeed feed;
  private final Map<String, CollectionSpec> specs = new ConcurrentHashMap<>();
  private final Set<String> order = java.util.Collections.synchronizedSet(new LinkedHashSet<>());
  private final Set<String> streamsReady = ConcurrentHashMap.newKeySet();
  volatile Consumer<Fault> faults = f -> { };
  private final Duration recoveryRetry;
  private final Object recoveryLock = new Object();
  private volatile boolean recovered;
  /** {@link System#nanoTime} before which a failed first-use recovery is not retried; guarded by recoveryLock. */
  private long nextRecoveryAttempt = System.nanoTime();

  private MongoStore(Builder b) {
    this.client = b.client;
    this.db = b.client.getDatabase(b.database);
    this.clock = b.clock;
    this.mode = b.mode == TransactionMode.AUTO ? detect(db) : b.mode;
    this.capabilities = mode == TransactionMode.TRANSACTIONS
        ? Set.copyOf(EnumSet.of(Capability.DURABLE, Capability.MULTI_DOCUMENT_TRANSACTIONS))
        : Set.of(Capability.DURABLE);
    this.recoveryRetry = b.feedLeaseTtl;
    this.feed = new ChangeFeed(db, clock, b.nodeId, b.feedLeaseTtl, b.feedLeaseTtl.multipliedBy(3),
        f -> faults.accept(f), new ChangeFeed.Envelopes() {
          @Override
          public void redrain(TenantId tenant, ChangeFeed.Envelope envelope, Map<ChangeFeed.Ref, Long> positions) {
            MongoStore.this.redrain(tenant, envelope, positions);
          }

          @Override
          public void clear(ChangeFeed.Envelope envelope) {
            clearEnvelope(envelope.holder(), envelope.holderId(), envelope.commit());
          }
        });
    try {
      setUp();
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

  private void setUp() {
    MongoCollection<BsonDocument> meta = col(META);
    try {
      meta.updateOne(Filters.eq("_id", "schema"), Updates.setOnInsert("version", SCHEMA_VERSION),
          new UpdateOptions().upsert(true));
    } catch (MongoException e) {
      if (!MongoErrors.isDuplicateKey(e)) {
        throw e;
      }
    }
    BsonDocument schema = meta.find(Filters.eq("_id", "schema")).first();
    if (schema != null && schema.getNumber("version").intValue() > SCHEMA_VERSION) {
      throw new StorageException("database holds schema version " + schema.getNumber("version").intValue()
          + ", newer than this release understands (" + SCHEMA_VERSION + ")", false);
    }
    col(CHANGES).createIndex(Indexes.ascending("tenant", "pos"), new IndexOptions().name("tenant_pos"));
    col(ENVELOPES).createIndex(Indexes.ascending("tenant"), new IndexOptions().name("tenant"));
  }

  private MongoCollection<BsonDocument> col(String name) {
    return db.getCollection(name, BsonDocument.class);
  }

  static String docCollection(String name) {
    return "c_" + name;
  }

  static String streamCollection(String stream) {
    return "s_" + stream;
  }

  @Override
  public Set<Capability> capabilities() {
    return capabilities;
  }

  // --- collections ------------------------------------------------------------------------------------------------

  @Override
  public void register(CollectionSpec spec) {
    recoverOnFirstUse();
    Objects.requireNonNull(spec, "spec");
    StoreChecks.checkCompatible(specs.get(spec.name()), spec);
    try {
      MongoCollection<BsonDocument> c = col(docCollection(spec.name()));
      // createIndex is a no-op when an identical index exists, so starting twice or on two nodes at once is safe.
      c.createIndex(Indexes.ascending("tenant", "id"), new IndexOptions().name("tenant_id"));
      c.createIndex(Indexes.ascending("tenant", "pending.commit"), new IndexOptions().name("pending").sparse(true));
      for (IndexSpec i : spec.indexes()) {
        c.createIndex(Indexes.ascending("tenant", "ix." + i.name(), "id"), new IndexOptions().name("ix_" + i.name()));
        if (i.unique()) {
          // u.<field> holds {t: tenant, v: value} (an array of them when multi-valued); a sparse unique index on it
          // is tenant-scoped and ignores documents without the field. Partial indexes would do the same on MongoDB
          // but mongo-java-server ignores partialFilterExpression.
          c.createIndex(Indexes.ascending("u." + i.name()), new IndexOptions().name("ux_" + i.name()).unique(true).sparse(true));
        }
      }
      col(META).updateOne(Filters.eq("_id", "collection:" + spec.name()),
          Updates.set("indexes", new BsonArray(spec.indexes().stream().map(i -> (BsonValue) new BsonDocument("name",
              new BsonString(i.name())).append("type", new BsonString(i.type().name()))
              .append("multi", org.bson.BsonBoolean.valueOf(i.multiValued()))
              .append("unique", org.bson.BsonBoolean.valueOf(i.unique()))).toList())),
          new UpdateOptions().upsert(true));
    } catch (MongoException e) {
      if (!MongoErrors.isDuplicateKey(e)) {
        throw MongoErrors.translate("create the indexes of collection " + spec.name(), e);
      }
    }
    specs.put(spec.name(), spec);
    order.add(spec.name());
  }

  @Override
  public List<CollectionSpec> collections() {
    synchronized (order) {
      return order.stream().map(specs::get).toList();
    }
  }

  private CollectionSpec spec(String collection) {
    return StoreChecks.registered(collection, specs.get(Objects.requireNonNull(collection, "collection")));
  }

  private void ensureStream(String stream) {
    if (streamsReady.contains(stream)) {
      return;
    }
    col(streamCollection(stream)).createIndex(Indexes.ascending("tenant", "pos"), new IndexOptions().name("tenant_pos"));
    col(META).updateOne(Filters.eq("_id", "streams"), Updates.addToSet("names", stream), new UpdateOptions().upsert(true));
    streamsReady.add(stream);
  }

  private List<String> knownStreams() {
    BsonDocument d = col(META).find(Filters.eq("_id", "streams")).first();
    List<String> out = new ArrayList<>();
    if (d != null && d.isArray("names")) {
      d.getArray("names").forEach(v -> out.add(v.asString().getValue()));
    }
    return out;
  }

  // --- reads ------------------------------------------------------------------------------------------------------

  private static BsonDocument key(TenantId tenant, String id) {
    return new BsonDocument("t", new BsonString(tenant.value())).append("i", new BsonString(id));
  }

  private static Bson live(TenantId tenant) {
    return Filters.and(Filters.eq("tenant", tenant.value()), Filters.exists("deleted", false));
  }

  @Override
  public Optional<Document> get(TenantId tenant, String collection, String id) {
    recoverOnFirstUse();
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(id, "id");
    spec(collection);
    try {
      BsonDocument d = col(docCollection(collection))
          .find(Filters.and(Filters.eq("_id", key(tenant, id)), Filters.exists("deleted", false))).first();
      return Optional.ofNullable(d).map(MongoStore::toDocument);
    } catch (MongoException e) {
      throw MongoErrors.translate("read a document", e);
    }
  }

  @Override
  public Optional<Document> findUnique(TenantId tenant, String collection, String field, Object value) {
    recoverOnFirstUse();
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(field, "field");
    CollectionSpec spec = spec(collection);
    Object v = StoreChecks.checkUniqueLookup(spec, field, value);
    Bson filter = new FilterTranslator(spec).translate(Criteria.eq(field, v));
    try {
      BsonDocument d = col(docCollection(collection)).find(Filters.and(live(tenant), filter)).first();
      return Optional.ofNullable(d).map(MongoStore::toDocument);
    } catch (MongoException e) {
      throw MongoErrors.translate("read a document", e);
    }
  }

  @Override
  public Page<Document> query(TenantId tenant, String collection, Query query) {
    recoverOnFirstUse();
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(query, "query");
    CollectionSpec spec = spec(collection);
    Criteria criteria = KeysetPaging.criteria(spec, query);
    List<Bson> sorts = new ArrayList<>();
    for (Sort.Key k : query.sort().effectiveKeys()) {
      String path = FilterTranslator.path(k.field());
      sorts.add(k.direction() == Sort.Direction.ASC ? Sorts.ascending(path) : Sorts.descending(path));
    }
    Bson filter = Filters.and(live(tenant), new FilterTranslator(spec).translate(criteria));
    try {
      List<Document> docs = new ArrayList<>();
      for (BsonDocument d : col(docCollection(collection)).find(filter).sort(Sorts.orderBy(sorts))
          .limit(query.limit() + 1)) {
        docs.add(toDocument(d));
      }
      return KeysetPaging.page(docs, query);
    } catch (MongoException e) {
      throw MongoErrors.translate("query " + collection, e);
    }
  }

  @Override
  public long count(TenantId tenant, String collection, Criteria criteria) {
    recoverOnFirstUse();
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(criteria, "criteria");
    CollectionSpec spec = spec(collection);
    spec.check(criteria);
    try {
      return col(docCollection(collection))
          .countDocuments(Filters.and(live(tenant), new FilterTranslator(spec).translate(criteria)));
    } catch (MongoException e) {
      throw MongoErrors.translate("count " + collection, e);
    }
  }

  private static Document toDocument(BsonDocument d) {
    Map<String, List<Object>> index = new LinkedHashMap<>();
    BsonDocument ix = d.getDocument("ix", new BsonDocument());
    for (Map.Entry<String, BsonValue> e : ix.entrySet()) {
      index.put(e.getKey(), BsonCodec.kernelValues(e.getValue()));
    }
    return new Document(d.getDocument("_id").getString("i").getValue(), d.getInt64("version").getValue(),
        BsonCodec.toJson(d.getDocument("body", new BsonDocument())), index);
  }

  // --- change feed and streams --------------------------------------------------------------------------------------


  @Override
  public List<Change> changes(TenantId tenant, long afterPosition, int limit) {
    recoverOnFirstUse();
    Objects.requireNonNull(tenant, "tenant");
    FeedArguments.check(afterPosition, limit);
    try {
      long published = feed.published(tenant);
      List<Change> out = new ArrayList<>();
      if (published <= afterPosition) {
        return out;
      }
      for (BsonDocument d : col(CHANGES).find(Filters.and(Filters.eq("tenant", tenant.value()),
          Filters.gt("pos", afterPosition), Filters.lte("pos", published))).sort(Sorts.ascending("pos")).limit(limit)) {
        out.add(toChange(d));
      }
      return out;
    } catch (MongoException e) {
      throw MongoErrors.translate("read the change feed", e);
    }
  }

  @Override
  public List<StreamRecord> read(TenantId tenant, String stream, long afterPosition, int limit) {
    recoverOnFirstUse();
    Objects.requireNonNull(tenant, "tenant");
    StoreChecks.checkStream(stream);
    FeedArguments.check(afterPosition, limit);
    try {
      long published = feed.published(tenant);
      List<StreamRecord> out = new ArrayList<>();
      if (published <= afterPosition) {
        return out;
      }
      for (BsonDocument d : col(streamCollection(stream)).find(Filters.and(Filters.eq("tenant", tenant.value()),
          Filters.gt("pos", afterPosition), Filters.lte("pos", published))).sort(Sorts.ascending("pos")).limit(limit)) {
        out.add(toRecord(stream, d));
      }
      return out;
    } catch (MongoException e) {
      throw MongoErrors.translate("read stream " + stream, e);
    }
  }

  private static Change toChange(BsonDocument d) {
    return new Change(d.getInt64("pos").getValue(), d.getString("coll").getValue(), d.getString("id").getValue(),
        d.getInt64("version").getValue(), Change.Kind.valueOf(d.getString("op").getValue()),
        Instant.ofEpochMilli(d.getDateTime("at").getValue()));
  }

  private static StreamRecord toRecord(String stream, BsonDocument d) {
    return new StreamRecord(stream, d.getInt64("pos").getValue(), d.getDocument("_id").getString("i").getValue(),
        d.getString("type").getValue(), BsonCodec.toJson(d.getDocument("payload")),
        Instant.ofEpochMilli(d.getDateTime("at").getValue()));
  }

  // --- commit -------------------------------------------------------------------------------------------------------

  /** One entry of a unit of work: a change-feed entry or a stream record, as carried in an envelope. */
  private static BsonDocument changeEntry(String commit, int n, WriteBatch.Write w, Instant at) {
    return new BsonDocument("commit", new BsonString(commit)).append("n", new BsonInt32(n))
        .append("kind", new BsonString("change")).append("coll", new BsonString(w.collection()))
        .append("id", new BsonString(w.id())).append("version", new BsonInt64(w.version()))
        .append("op", new BsonString(w.kind().name())).append("at", new BsonDateTime(at.toEpochMilli()));
  }

  private static BsonDocument appendEntry(String commit, int n, WriteBatch.Append a, Instant at) {
    return new BsonDocument("commit", new BsonString(commit)).append("n", new BsonInt32(n))
        .append("kind", new BsonString("append")).append("stream", new BsonString(a.stream()))
        .append("id", new BsonString(a.id())).append("type", new BsonString(a.type()))
        .append("payload", BsonCodec.toBson(a.payload())).append("at", new BsonDateTime(at.toEpochMilli()));
  }

  /** The record an entry becomes in its collection, without a position. */
  private static BsonDocument recordOf(TenantId tenant, BsonDocument entry) {
    String commit = entry.getString("commit").getValue();
    if (entry.getString("kind").getValue().equals("change")) {
      return new BsonDocument("_id", new BsonDocument("t", new BsonString(tenant.value()))
          .append("k", new BsonString(commit + "/" + entry.getInt32("n").getValue())))
          .append("tenant", new BsonString(tenant.value())).append("coll", entry.get("coll"))
          .append("id", entry.get("id")).append("version", entry.get("version")).append("op", entry.get("op"))
          .append("at", entry.get("at"));
    }
    return new BsonDocument("_id", key(tenant, entry.getString("id").getValue()))
        .append("tenant", new BsonString(tenant.value())).append("origin", new BsonString(commit))
        .append("type", entry.get("type")).append("payload", entry.get("payload")).append("at", entry.get("at"));
  }

  private static String recordCollection(BsonDocument entry) {
    return entry.getString("kind").getValue().equals("change") ? CHANGES
        : streamCollection(entry.getString("stream").getValue());
  }

  @Override
  public Committed commit(TenantId tenant, WriteBatch batch) {
    recoverOnFirstUse();
    Objects.requireNonNull(tenant, "tenant");
    StoreChecks.checkBatch(batch, specs::get, capabilities);
    // The stored form of each written document, built once: before anything is written (an unstorable value fails
    // the whole batch) and then written as is.
    Map<WriteBatch.Write, BsonDocument> stored = new IdentityHashMap<>();
    for (WriteBatch.Write w : batch.writes()) {
      Document doc = w.written();
      if (doc != null) {
        stored.put(w, docBson(tenant, spec(w.collection()), doc));
      }
    }
    Instant at = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    String commit = UUID.randomUUID().toString();
    List<BsonDocument> entries = new ArrayList<>();
    int n = 0;
    for (WriteBatch.Write w : batch.writes()) {
      entries.add(changeEntry(commit, n++, w, at));
    }
    for (WriteBatch.Append a : batch.appends()) {
      entries.add(appendEntry(commit, n++, a, at));
    }
    List<Record> records = new ArrayList<>(entries.size());
    for (BsonDocument e : entries) {
      records.add(Record.of(tenant, e));
    }
    Map<ChangeFeed.Ref, Long> positions;
    try {
      for (WriteBatch.Append a : batch.appends()) {
        ensureStream(a.stream());
      }
      if (mode == TransactionMode.TRANSACTIONS) {
        commitInTransaction(tenant, batch, stored, records, at);
        positions = sequenced(tenant, records);
      } else {
        positions = commitWithEnvelope(tenant, batch, stored, commit, entries, records, at);
      }
    } catch (MongoException e) {
      throw MongoErrors.translate("commit", e);
    }
    return described(batch, records, positions);
  }

  /** A change entry or stream record of this commit, in the form it takes in its collection (without a position). */
  private record Record(String collection, BsonDocument doc) {
    static Record of(TenantId tenant, BsonDocument entry) {
      return new Record(recordCollection(entry), recordOf(tenant, entry));
    }

    ChangeFeed.Ref ref() {
      return new ChangeFeed.Ref(collection, doc.get("_id"));
    }
  }

  private static List<ChangeFeed.Ref> refs(List<Record> records) {
    List<ChangeFeed.Ref> out = new ArrayList<>(records.size());
    for (Record r : records) {
      out.add(r.ref());
    }
    return out;
  }

  /** Positions the records of a committed unit of work that are already in their collections. */
  private Map<ChangeFeed.Ref, Long> sequenced(TenantId tenant, List<Record> records) {
    try {
      return feed.sequence(tenant, refs(records), null);
    } catch (MongoException | StorageException e) {
      throw new StorageException("the batch committed but its change-feed positions are not assigned yet; "
          + "recover(tenant) completes it (do not retry the batch)", false, e);
    }
  }

  /**
   * Describes a committed unit of work: its changes and stream records, in batch order (writes, then appends),
   * from the batch itself (payloads are copied from the caller's JSON, not converted back from BSON).
   */
  private static Committed described(WriteBatch batch, List<Record> records, Map<ChangeFeed.Ref, Long> positions) {
    List<Change> changes = new ArrayList<>(batch.writes().size());
    List<StreamRecord> appended = new ArrayList<>(batch.appends().size());
    int i = 0;
    for (WriteBatch.Write w : batch.writes()) {
      BsonDocument r = records.get(i).doc();
      long pos = positions.getOrDefault(records.get(i++).ref(), 0L);
      changes.add(new Change(pos, w.collection(), w.id(), r.getInt64("version").getValue(),
          Change.Kind.valueOf(r.getString("op").getValue()), Instant.ofEpochMilli(r.getDateTime("at").getValue())));
    }
    for (WriteBatch.Append a : batch.appends()) {
      BsonDocument r = records.get(i).doc();
      long pos = positions.getOrDefault(records.get(i++).ref(), 0L);
      // A copy, as the reference store returns: the caller may go on changing its batch's payload.
      appended.add(new StreamRecord(a.stream(), pos, a.id(), a.type(), a.payload().deepCopy(),
          Instant.ofEpochMilli(r.getDateTime("at").getValue())));
    }
    return new Committed(changes, appended);
  }

  private void checkGuard(@Nullable ClientSession session, TenantId tenant, WriteBatch.@Nullable LeaseGuard guard,
      Instant at) {
    if (guard == null) {
      return;
    }
    Bson filter = Filters.and(Filters.eq("_id", new BsonDocument("t", new BsonString(tenant.value()))
            .append("n", new BsonString(guard.name()))), Filters.eq("owner", guard.owner()),
        Filters.eq("token", guard.token()), Filters.gt("expiresAt", new BsonDateTime(at.toEpochMilli())));
    boolean held;
    if (session != null) {
      // A write, not a read: it makes a concurrent takeover conflict with this transaction.
      held = col(LEASES).updateOne(session, filter, Updates.set("guardedAt", new BsonDateTime(at.toEpochMilli())))
          .getMatchedCount() == 1;
    } else {
      held = col(LEASES).countDocuments(filter) == 1;
    }
    if (!held) {
      throw StoreChecks.leaseLost(guard);
    }
  }

  private void checkAppendsAbsent(TenantId tenant, List<WriteBatch.Append> appends) {
    Map<String, List<BsonValue>> byStream = new LinkedHashMap<>();
    for (WriteBatch.Append a : appends) {
      byStream.computeIfAbsent(a.stream(), k -> new ArrayList<>()).add(key(tenant, a.id()));
    }
    for (Map.Entry<String, List<BsonValue>> e : byStream.entrySet()) {
      BsonDocument taken = col(streamCollection(e.getKey())).find(Filters.in("_id", e.getValue())).first();
      if (taken != null) {
        throw StoreChecks.duplicateRecord(e.getKey(), taken.getDocument("_id").getString("i").getValue());
      }
    }
  }

  // --- envelope mode --------------------------------------------------------------------------------------------

  /**
   * The document write carrying the envelope, then the drain with positions already allocated (see
   * {@link ChangeFeed#allocateAndDrain}), then the envelope cleared; returns the records' positions.
   */
  private Map<ChangeFeed.Ref, Long> commitWithEnvelope(TenantId tenant, WriteBatch batch,
      Map<WriteBatch.Write, BsonDocument> stored, String commit, List<BsonDocument> entries, List<Record> records,
      Instant at) {
    checkGuard(null, tenant, batch.leaseGuard(), at);
    checkAppendsAbsent(tenant, batch.appends());
    BsonArray pending = new BsonArray(new ArrayList<>(entries));
    String holder;
    BsonValue holderId;
    if (batch.writes().isEmpty()) {
      holder = ENVELOPES;
      holderId = new BsonString(commit);
      col(ENVELOPES).insertOne(new BsonDocument("_id", holderId).append("tenant", new BsonString(tenant.value()))
          .append("pending", pending));
    } else {
      WriteBatch.Write w = batch.writes().get(0);
      holder = docCollection(w.collection());
      holderId = key(tenant, w.id());
      write(null, tenant, w, stored.get(w), pending);
    }
    faults.accept(Fault.AFTER_DOCUMENT_WRITE);
    Map<ChangeFeed.Ref, Long> positions;
    try {
      positions = feed.allocateAndDrain(tenant, refs(records), new ChangeFeed.Envelope(holder, holderId, commit),
          allocated -> insertRecords(records, allocated, commit));
    } catch (MongoException | StorageException e) {
      throw new StorageException("the batch committed but is not published yet; recover(tenant) completes it "
          + "(do not retry the batch)", false, e);
    }
    if (positions == null) {
      // The feed lease is busy or a round is in flight: drain without positions, then wait for a round.
      try {
        drain(holder, holderId, commit, records);
      } catch (MongoException e) {
        throw new StorageException("the batch committed but its envelope is not drained yet; recover(tenant) "
            + "completes it (do not retry the batch)", false, e);
      }
      return sequenced(tenant, records);
    }
    try {
      clearEnvelope(holder, holderId, commit);
    } catch (MongoException e) {
      // Published already; what is left is an envelope whose re-drain changes nothing, removed by recovery.
      LOG.warn("the envelope of commit {} in {} is not cleared yet; recovery removes it", commit, holder, e);
    }
    return positions;
  }

  /** The records grouped by collection, each with its position when {@code positions} gives one. */
  private static Map<String, List<BsonDocument>> byCollection(List<Record> records,
      @Nullable Map<ChangeFeed.Ref, Long> positions) {
    Map<String, List<BsonDocument>> out = new LinkedHashMap<>();
    for (Record r : records) {
      Long p = positions == null ? null : positions.get(r.ref());
      out.computeIfAbsent(r.collection(), k -> new ArrayList<>())
          .add(p == null ? r.doc() : r.doc().clone().append("pos", new BsonInt64(p)));
    }
    return out;
  }

  /**
   * Inserts one commit's records, at {@code positions} when given; returns how many carry their given position
   * (a copy already there from a re-drain without positions takes it now; one from another commit is dropped).
   */
  private long insertRecords(List<Record> records, @Nullable Map<ChangeFeed.Ref, Long> positions, String commit) {
    long placed = 0;
    for (Map.Entry<String, List<BsonDocument>> e : byCollection(records, positions).entrySet()) {
      List<BsonDocument> again = insertIdempotently(e.getKey(), e.getValue(), commit);
      placed += e.getValue().size() - again.size();
      if (positions != null) {
        for (BsonDocument r : again) {
          if (r.containsKey("pos")) {
            placed += col(e.getKey()).updateOne(Filters.and(Filters.eq("_id", r.get("_id")),
                Filters.exists("pos", false)), Updates.set("pos", r.get("pos"))).getMatchedCount();
          }
        }
      }
    }
    return placed;
  }

  /** Moves one commit's entries from its envelope to their collections, then clears them from the envelope. */
  private void drain(String holder, BsonValue holderId, String commit, List<Record> records) {
    insertRecords(records, null, commit);
    faults.accept(Fault.AFTER_DRAIN_INSERTS);
    clearEnvelope(holder, holderId, commit);
  }

  /** Re-drains the envelope of a round taken over from a dead holder, at the positions it allocated. */
  private void redrain(TenantId tenant, ChangeFeed.Envelope envelope, Map<ChangeFeed.Ref, Long> positions) {
    BsonDocument d = col(envelope.holder()).find(Filters.eq("_id", envelope.holderId())).first();
    List<Record> records = new ArrayList<>();
    if (d != null) {
      for (BsonValue v : d.getArray("pending", new BsonArray())) {
        if (v.asDocument().getString("commit").getValue().equals(envelope.commit())) {
          records.add(Record.of(tenant, v.asDocument()));
        }
      }
    }
    if (!records.isEmpty()) {
      insertRecords(records, positions, envelope.commit());
    }
  }

  /** Removes a drained commit's entries from their holder (and a tombstone or carrier they leave empty). */
  private void clearEnvelope(String holder, BsonValue holderId, String commit) {
    if (holder.equals(ENVELOPES)) {
      col(ENVELOPES).deleteOne(Filters.eq("_id", holderId));
    } else {
      // One command in the common case: the state after the $pull says whether a tombstone is left to remove
      // (whoever pulls its last commit sees it empty and removes it, whichever drain comes last).
      BsonDocument left = col(holder).findOneAndUpdate(Filters.eq("_id", holderId),
          Updates.pull("pending", new BsonDocument("commit", new BsonString(commit))),
          new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER)
              .projection(new BsonDocument("deleted", new BsonInt32(1)).append("pending", new BsonInt32(1))));
      if (left != null && left.isBoolean("deleted") && left.getBoolean("deleted").getValue()
          && left.getArray("pending", new BsonArray()).isEmpty()) {
        col(holder).deleteOne(Filters.and(Filters.eq("_id", holderId), Filters.eq("deleted", true),
            Filters.exists("pending.0", false)));
      }
    }
    faults.accept(Fault.AFTER_ENVELOPE_CLEARED);
  }

  /**
   * Inserts records; returns those already there from the same commit (a re-drain). One already there from another
   * commit is a conflict: the first one wins, this copy is dropped and logged.
   */
  private List<BsonDocument> insertIdempotently(String collection, List<BsonDocument> records, String commit) {
    try {
      col(collection).insertMany(records, new InsertManyOptions().ordered(false));
      return List.of();
    } catch (com.mongodb.MongoBulkWriteException e) {
      if (!MongoErrors.isDuplicateKey(e)) {
        throw e;
      }
      List<BsonDocument> again = new ArrayList<>();
      for (com.mongodb.bulk.BulkWriteError err : e.getWriteErrors()) {
        BsonDocument mine = records.get(err.getIndex());
        BsonDocument there = col(collection).find(Filters.eq("_id", mine.get("_id"))).first();
        if (there != null && there.containsKey("origin") && !there.get("origin").equals(mine.get("origin"))) {
          // Two concurrent commits appended the same record id and both passed the pre-check; the first one wins.
          LOG.error("record {} of commit {} was already appended to {} by commit {}; the later copy is dropped",
              mine.get("_id"), commit, collection, there.get("origin"));
        } else {
          again.add(mine);
        }
      }
      return again;
    }
  }

  /** Applies one document write, carrying {@code pending} in envelope mode. */
  private void write(@Nullable ClientSession session, TenantId tenant, WriteBatch.Write w,
      @Nullable BsonDocument stored, @Nullable BsonArray pending) {
    CollectionSpec spec = spec(w.collection());
    MongoCollection<BsonDocument> c = col(docCollection(w.collection()));
    BsonDocument id = key(tenant, w.id());
    if (w instanceof WriteBatch.Insert i) {
      BsonDocument d = Objects.requireNonNull(stored, "stored");
      if (pending != null) {
        d.append("pending", pending); // the stored form is this commit's own, built for this write
      }
      for (int attempt = 0; ; attempt++) {
        try {
          if (session != null) {
            c.insertOne(session, d);
          } else {
            c.insertOne(d);
          }
          return;
        } catch (MongoException e) {
          if (!MongoErrors.isDuplicateKey(e)) {
            throw e;
          }
          if (session != null) {
            throw new Duplicate(w.collection(), i.document(), true, e);
          }
          // The id may be held by the tombstone of a delete whose envelope is not drained yet: drain it, retry.
          if (attempt == 0 && recoverHolder(tenant, docCollection(w.collection()), id)) {
            continue;
          }
          throw duplicateKey(tenant, spec, i.document(), true, e);
        }
      }
    }
    Bson current = Filters.and(Filters.eq("_id", id), Filters.exists("deleted", false));
    long matched;
    if (w instanceof WriteBatch.Update u) {
      BsonDocument d = Objects.requireNonNull(stored, "stored");
      List<Bson> sets = new ArrayList<>();
      sets.add(Updates.set("version", d.get("version")));
      sets.add(Updates.set("body", d.get("body")));
      sets.add(Updates.set("ix", d.get("ix")));
      sets.add(Updates.set("u", d.get("u")));
      if (pending != null) {
        sets.add(Updates.pushEach("pending", pending));
      }
      try {
        Bson filter = Filters.and(current, Filters.eq("version", u.expectedVersion()));
        matched = (session != null ? c.updateOne(session, filter, Updates.combine(sets))
            : c.updateOne(filter, Updates.combine(sets))).getMatchedCount();
      } catch (MongoException e) {
        if (!MongoErrors.isDuplicateKey(e)) {
          throw e;
        }
        if (session != null) {
          throw new Duplicate(w.collection(), u.document(), false, e);
        }
        throw duplicateKey(tenant, spec, u.document(), false, e);
      }
      if (matched == 0) {
        throw conflict(session, c, id, w, u.expectedVersion());
      }
      return;
    }
    WriteBatch.Delete del = (WriteBatch.Delete) w;
    Bson filter = Filters.and(current, Filters.eq("version", del.expectedVersion()));
    if (pending == null) {
      matched = (session != null ? c.deleteOne(session, filter) : c.deleteOne(filter)).getDeletedCount();
    } else {
      // A tombstone carries the envelope until it is drained; readers skip it, and it frees every unique value.
      matched = c.updateOne(filter, Updates.combine(Updates.set("deleted", true), Updates.unset("body"),
          Updates.unset("ix"), Updates.unset("u"), Updates.pushEach("pending", pending))).getMatchedCount();
    }
    if (matched == 0) {
      throw conflict(session, c, id, w, del.expectedVersion());
    }
  }

  private static VersionConflictException conflict(@Nullable ClientSession session,
      MongoCollection<BsonDocument> c, BsonDocument id, WriteBatch.Write w, long expected) {
    Bson filter = Filters.and(Filters.eq("_id", id), Filters.exists("deleted", false));
    BsonDocument now = session != null ? c.find(session, filter).first() : c.find(filter).first();
    return StoreChecks.versionConflict(w, expected, now == null ? null : now.getInt64("version").getValue());
  }

  /** Marks a duplicate key met inside a transaction; the field is found after the transaction is aborted. */
  private static final class Duplicate extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String collection;
    final transient Document document;
    final boolean insert;

    Duplicate(String collection, Document document, boolean insert, Throwable cause) {
      super(cause);
      this.collection = collection;
      this.document = document;
      this.insert = insert;
    }
  }

  /**
   * Names the unique field a rejected write collides on by looking for the value's holder (the server's error
   * message is never parsed).
   */
  private CrmException duplicateKey(TenantId tenant, CollectionSpec spec, Document doc, boolean insert,
      Exception cause) {
    MongoCollection<BsonDocument> c = col(docCollection(spec.name()));
    BsonDocument id = key(tenant, doc.id());
    if (insert && c.countDocuments(Filters.eq("_id", id)) > 0) {
      return StoreChecks.duplicateDocument(spec.name(), doc.id());
    }
    for (IndexSpec i : spec.indexes()) {
      if (!i.unique() || doc.values(i.name()).isEmpty()) {
        continue;
      }
      List<BsonValue> keys = new ArrayList<>();
      for (Object v : doc.values(i.name())) {
        keys.add(uniqueKey(tenant, v));
      }
      if (c.countDocuments(Filters.and(Filters.in("u." + i.name(), keys), Filters.ne("_id", id))) > 0) {
        return new DuplicateKeyException(spec.name(), i.name());
      }
    }
    return new StorageException("a unique value of " + spec.name() + "/" + doc.id()
        + " was taken and released concurrently; retry", true, cause);
  }

  private static BsonDocument uniqueKey(TenantId tenant, Object v) {
    // Decimals are keyed by their canonical text (values are normalised, so 1.0 and 1.00 collide): exact on every
    // server, where mongo-java-server's unique index would compare Decimal128 through double.
    BsonValue value = v instanceof BigDecimal d ? new BsonString(d.toPlainString()) : BsonCodec.indexValue(v);
    return new BsonDocument("t", new BsonString(tenant.value())).append("v", value);
  }

  /** The stored form of a document: ids, version, body, typed index values and tenant-scoped unique keys. */
  private static BsonDocument docBson(TenantId tenant, CollectionSpec spec, Document doc) {
    BsonDocument ix = new BsonDocument();
    BsonDocument u = new BsonDocument();
    for (Map.Entry<String, List<Object>> e : doc.index().entrySet()) {
      IndexSpec i = spec.index(e.getKey()).orElseThrow();
      BsonArray values = new BsonArray();
      BsonArray keys = new BsonArray();
      for (Object v : e.getValue()) {
        values.add(BsonCodec.indexValue(v));
        keys.add(uniqueKey(tenant, v));
      }
      ix.append(e.getKey(), i.multiValued() ? values : values.get(0));
      if (i.unique()) {
        u.append(e.getKey(), i.multiValued() ? keys : keys.get(0));
      }
    }
    return new BsonDocument("_id", key(tenant, doc.id())).append("tenant", new BsonString(tenant.value()))
        .append("id", new BsonString(OrderedStrings.encode(doc.id()))).append("version", new BsonInt64(doc.version()))
        .append("body", BsonCodec.toBson(doc.body())).append("ix", ix).append("u", u);
  }

  // --- transaction mode -----------------------------------------------------------------------------------------

  private void commitInTransaction(TenantId tenant, WriteBatch batch, Map<WriteBatch.Write, BsonDocument> stored,
      List<Record> records, Instant at) {
    try (ClientSession session = client.startSession()) {
      session.withTransaction(() -> {
        checkGuard(session, tenant, batch.leaseGuard(), at);
        for (WriteBatch.Write w : batch.writes()) {
          write(session, tenant, w, stored.get(w), null);
        }
        for (Map.Entry<String, List<BsonDocument>> e : byCollection(records, null).entrySet()) {
          try {
            col(e.getKey()).insertMany(session, e.getValue());
          } catch (MongoException ex) {
            if (MongoErrors.isDuplicateKey(ex)) {
              throw new AppendDuplicate(e.getKey(), ex);
            }
            throw ex;
          }
        }
        return null;
      });
    } catch (Duplicate d) {
      throw duplicateKey(tenant, spec(d.collection), d.document, d.insert, d);
    } catch (AppendDuplicate d) {
      throw new DuplicateKeyException(d.collection.substring(2), "id", "a record id is already in stream '"
          + d.collection.substring(2) + "'");
    }
  }

  private static final class AppendDuplicate extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String collection;

    AppendDuplicate(String collection, Throwable cause) {
      super(cause);
      this.collection = collection;
    }
  }

  // --- recovery -------------------------------------------------------------------------------------------------

  /** Runs {@link #recoverAll()} once per instance, before its first operation (see the class comment). */
  private void recoverOnFirstUse() {
    if (recovered) {
      return;
    }
    synchronized (recoveryLock) {
      if (recovered || System.nanoTime() - nextRecoveryAttempt < 0) {
        return;
      }
      try {
        recoverAll();
      } catch (RuntimeException e) {
        nextRecoveryAttempt = System.nanoTime() + recoveryRetry.toNanos();
        LOG.warn("recovery on first use of {} failed; a later operation retries it after {}", this, recoveryRetry, e);
      }
    }
  }

  /** Document collections present in the database, registered by this instance or not (a crashed node's too). */
  private List<String> documentCollections() {
    List<String> out = new ArrayList<>();
    for (String name : db.listCollectionNames()) {
      if (name.startsWith("c_")) {
        out.add(name);
      }
    }
    return out;
  }

  /**
   * Completes every unit of work of {@code tenant} that a crash left half-published: drains envelopes still held by
   * documents or carriers, then gives positions to records that have none. Idempotent and safe to run on any node
   * at any time, concurrently with commits.
   */
  public void recover(TenantId tenant) {
    Objects.requireNonNull(tenant, "tenant");
    try {
      for (String c : documentCollections()) {
        for (BsonDocument d : col(c).find(Filters.and(Filters.eq("tenant", tenant.value()),
            Filters.exists("pending.0")))) {
          drainAll(tenant, c, d);
        }
      }
      for (BsonDocument d : col(ENVELOPES).find(Filters.eq("tenant", tenant.value()))) {
        drainAll(tenant, ENVELOPES, d);
      }
      List<String> streams = knownStreams();
      feed.sequence(tenant, List.of(), () -> unpositioned(tenant, streams));
    } catch (MongoException e) {
      throw MongoErrors.translate("recover tenant " + tenant, e);
    }
  }

  /**
   * Recovers every tenant that has an envelope, an unpositioned record or a round in flight. The store runs it
   * before its first operation; hosts schedule it too (every minute or so, on every node or on one), so a crash of
   * another node is completed without waiting for a restart. Idempotent, safe concurrently with commits.
   */
  public void recoverAll() {
    Set<String> tenants = new LinkedHashSet<>();
    try {
      for (String c : documentCollections()) {
        col(c).find(Filters.exists("pending.0")).projection(new BsonDocument("tenant", new BsonInt32(1)))
            .forEach(d -> tenants.add(d.getString("tenant").getValue()));
      }
      col(ENVELOPES).find().projection(new BsonDocument("tenant", new BsonInt32(1)))
          .forEach(d -> tenants.add(d.getString("tenant").getValue()));
      List<String> recordCollections = new ArrayList<>();
      recordCollections.add(CHANGES);
      knownStreams().forEach(s -> recordCollections.add(streamCollection(s)));
      for (String c : recordCollections) {
        col(c).find(Filters.exists("pos", false)).projection(new BsonDocument("tenant", new BsonInt32(1)))
            .forEach(d -> tenants.add(d.getString("tenant").getValue()));
      }
      col(ChangeFeed.FEED).find(Filters.exists("inflight")).forEach(d -> tenants.add(d.getString("_id").getValue()));
    } catch (MongoException e) {
      throw MongoErrors.translate("find tenants to recover", e);
    }
    for (String t : tenants) {
      recover(TenantId.of(t));
    }
    recovered = true;
  }

  /** Holds the tombstone or envelope of {@code id} in {@code holder} pending entries? Drains them; true if so. */
  private boolean recoverHolder(TenantId tenant, String holder, BsonValue id) {
    BsonDocument d = col(holder).find(Filters.eq("_id", id)).first();
    if (d == null || !d.isArray("pending")) {
      return false;
    }
    drainAll(tenant, holder, d);
    return true;
  }

  private void drainAll(TenantId tenant, String holder, BsonDocument d) {
    Map<String, List<BsonDocument>> byCommit = new LinkedHashMap<>();
    for (BsonValue v : d.getArray("pending", new BsonArray())) {
      BsonDocument e = v.asDocument();
      byCommit.computeIfAbsent(e.getString("commit").getValue(), k -> new ArrayList<>()).add(e);
    }
    for (Map.Entry<String, List<BsonDocument>> e : byCommit.entrySet()) {
      List<Record> records = new ArrayList<>();
      for (BsonDocument entry : e.getValue()) {
        records.add(Record.of(tenant, entry));
      }
      drain(holder, d.get("_id"), e.getKey(), records);
    }
    if (byCommit.isEmpty() && holder.equals(ENVELOPES)) {
      col(ENVELOPES).deleteOne(Filters.eq("_id", d.get("_id")));
    }
  }

  private List<ChangeFeed.Ref> unpositioned(TenantId tenant, List<String> streams) {
    List<ChangeFeed.Ref> out = new ArrayList<>();
    List<String> collections = new ArrayList<>();
    collections.add(CHANGES);
    streams.forEach(s -> collections.add(streamCollection(s)));
    for (String c : collections) {
      // Oldest commits first keeps positions close to commit order after a crash.
      for (BsonDocument d : col(c).find(Filters.and(Filters.eq("tenant", tenant.value()), Filters.exists("pos", false)))
          .projection(new BsonDocument("_id", new BsonInt32(1))).sort(Sorts.ascending("at")).limit(RECOVERY_ROUND)) {
        out.add(new ChangeFeed.Ref(c, d.get("_id")));
      }
    }
    return out;
  }

  // --- leases -----------------------------------------------------------------------------------------------------

  @Override
  public Optional<Lease> tryAcquire(TenantId tenant, String name, String owner, Duration ttl) {
    recoverOnFirstUse();
    Objects.requireNonNull(tenant, "tenant");
    StoreChecks.checkLease(name, owner, ttl);
    Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    Instant expiresAt = StoreChecks.leaseExpiry(now, ttl);
    BsonDocument id = new BsonDocument("t", new BsonString(tenant.value())).append("n", new BsonString(name));
    MongoCollection<BsonDocument> leases = col(LEASES);
    FindOneAndUpdateOptions after = new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER);
    BsonDateTime until = new BsonDateTime(expiresAt.toEpochMilli());
    try {
      // Renewal: the same owner, nobody took it over since; keeps the token.
      BsonDocument d = leases.findOneAndUpdate(Filters.and(Filters.eq("_id", id), Filters.eq("owner", owner)),
          Updates.set("expiresAt", until), after);
      if (d == null) {
        // Takeover of a free, released or expired lease: a greater token fences the previous owner.
        d = leases.findOneAndUpdate(Filters.and(Filters.eq("_id", id),
                Filters.lte("expiresAt", new BsonDateTime(now.toEpochMilli()))),
            Updates.combine(Updates.set("owner", owner), Updates.set("expiresAt", until), Updates.inc("token", 1L)),
            after);
      }
      if (d == null) {
        try {
          leases.insertOne(new BsonDocument("_id", id).append("owner", new BsonString(owner))
              .append("token", new BsonInt64(1)).append("expiresAt", until));
          return Optional.of(new Lease(name, owner, 1, expiresAt));
        } catch (MongoException e) {
          if (MongoErrors.isDuplicateKey(e)) {
            return Optional.empty();
          }
          throw e;
        }
      }
      return Optional.of(new Lease(name, owner, d.getInt64("token").getValue(),
          Instant.ofEpochMilli(d.getDateTime("expiresAt").getValue())));
    } catch (MongoException e) {
      throw MongoErrors.translate("acquire lease " + name, e);
    }
  }

  @Override
  public boolean release(TenantId tenant, Lease lease) {
    recoverOnFirstUse();
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(lease, "lease");
    BsonDocument id = new BsonDocument("t", new BsonString(tenant.value())).append("n", new BsonString(lease.name()));
    try {
      // The document stays, so the next holder's token is still greater than every token handed out before.
      return col(LEASES).updateOne(Filters.and(Filters.eq("_id", id), Filters.eq("owner", lease.owner()),
              Filters.eq("token", lease.token())),
          Updates.combine(Updates.unset("owner"), Updates.set("expiresAt", new BsonDateTime(Long.MIN_VALUE))))
          .getMatchedCount() == 1;
    } catch (MongoException e) {
      throw MongoErrors.translate("release lease " + lease.name(), e);
    }
  }

  @Override
  public String toString() {
    return "MongoStore[" + db.getName() + ", " + mode + "]";
  }
}
