package dev.rapport.crm.store.memory;

import dev.rapport.crm.error.CapabilityUnsupportedException;
import dev.rapport.crm.error.DuplicateKeyException;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.CriteriaEvaluator;
import dev.rapport.crm.query.Page;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.query.Values;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jspecify.annotations.Nullable;

/**
 * The storage kernel in memory: the reference {@link Store} for tests, samples and hosts that need no durability.
 * Nothing survives the JVM, so it does not declare {@link Capability#DURABLE}.
 *
 * <pre>{@code
 * Store store = InMemoryStore.create(Clock.systemUTC());
 * store.register(CollectionSpec.of("customers", IndexSpec.unique("externalRef", IndexType.STRING)));
 * }</pre>
 *
 * <p>Thread-safe. One read-write lock guards all state: commits are serialised, which makes atomicity and the
 * change feed's no-miss guarantee hold by construction (positions are assigned in commit order under the lock).
 * Reads run concurrently with each other. Document bodies and stream payloads are deep-copied on the way in and
 * out, so neither side can change what the other holds.
 *
 * <p>Semantics this store fixes where the SPI leaves a choice, so adapters can match them:
 * <ul>
 *   <li>A {@link Change} for a delete carries the version that was deleted.</li>
 *   <li>Change and stream positions start at 1 and are contiguous per tenant (per tenant and stream), until a
 *       {@link #purge} leaves gaps in a stream; a stream's counter never goes back.</li>
 *   <li>Lease and commit times are truncated to milliseconds, like every index value.</li>
 *   <li>The same owner re-acquiring a lease nobody took over keeps its token, expired or not; a released lease
 *       is acquired again with a new token.</li>
 *   <li>Operations on an unregistered collection fail with a {@link ValidationException} on path
 *       {@code collection}.</li>
 * </ul>
 */
public final class InMemoryStore implements Store {
  private final Clock clock;
  private final Set<Capability> capabilities;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  // Guarded by lock.
  private final Map<String, CollectionSpec> specs = new LinkedHashMap<>();
  private final Map<TenantId, TenantState> tenants = new HashMap<>();

  private InMemoryStore(Clock clock, Set<Capability> capabilities) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.capabilities = Set.copyOf(capabilities);
  }

  /** An empty store reading time from {@code clock} (lease expiry, commit timestamps). */
  public static InMemoryStore create(Clock clock) {
    return new InMemoryStore(clock, EnumSet.of(Capability.MULTI_DOCUMENT_TRANSACTIONS));
  }

  /** An empty store on the system UTC clock. */
  public static InMemoryStore create() {
    return create(Clock.systemUTC());
  }

  /**
   * An empty store that, like MongoDB without a replica set, writes at most one document per batch and rejects
   * larger batches with {@link CapabilityUnsupportedException}. Lets hosts and modules test the path they take on
   * such stores without running one.
   */
  public static InMemoryStore singleDocument(Clock clock) {
    return new InMemoryStore(clock, EnumSet.noneOf(Capability.class));
  }

  @Override
  public Set<Capability> capabilities() {
    return capabilities;
  }

  @Override
  public void register(CollectionSpec spec) {
    Objects.requireNonNull(spec, "spec");
    lock.writeLock().lock();
    try {
      StoreChecks.checkCompatible(specs.get(spec.name()), spec);
      specs.put(spec.name(), spec);
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public List<CollectionSpec> collections() {
    lock.readLock().lock();
    try {
      return List.copyOf(specs.values());
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public Optional<Document> get(TenantId tenant, String collection, String id) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(collection, "collection");
    Objects.requireNonNull(id, "id");
    lock.readLock().lock();
    try {
      CollectionSpec spec = spec(collection);
      return Optional.ofNullable(docs(tenant, collection).get(id)).map(d -> d.asRead(spec));
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public Optional<Document> findUnique(TenantId tenant, String collection, String field, Object value) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(collection, "collection");
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(value, "value");
    lock.readLock().lock();
    try {
      CollectionSpec spec = spec(collection);
      Object v = StoreChecks.checkUniqueLookup(spec, field, value);
      TenantState t = tenants.get(tenant);
      if (t == null) {
        return Optional.empty();
      }
      // Read paths must not create maps: they run under the shared lock.
      String id = t.unique.getOrDefault(collection, Map.of()).getOrDefault(field, Map.of()).get(v);
      return id == null ? Optional.empty() : Optional.of(t.docs.get(collection).get(id).asRead(spec));
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public Page<Document> query(TenantId tenant, String collection, Query query) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(collection, "collection");
    Objects.requireNonNull(query, "query");
    lock.readLock().lock();
    try {
      CollectionSpec spec = spec(collection);
      List<Document> matches = matching(tenant, collection, KeysetPaging.criteria(spec, query));
      matches.sort(order(query.sort().effectiveKeys()));
      return KeysetPaging.page(matches, query).map(d -> d.asRead(spec));
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public long count(TenantId tenant, String collection, Criteria criteria) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(collection, "collection");
    Objects.requireNonNull(criteria, "criteria");
    lock.readLock().lock();
    try {
      spec(collection).check(criteria);
      return matching(tenant, collection, criteria).size();
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public Committed commit(TenantId tenant, WriteBatch batch) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(batch, "batch");
    lock.writeLock().lock();
    try {
      TenantState t = tenants.computeIfAbsent(tenant, k -> new TenantState());
      Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
      validate(t, batch, now);
      return apply(t, batch, now);
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public int reindex(TenantId tenant, String collection, List<Document> documents) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(collection, "collection");
    lock.writeLock().lock();
    try {
      CollectionSpec spec = spec(collection);
      StoreChecks.checkReindex(spec, documents);
      TenantState t = tenants.get(tenant);
      // the documents still at the version their values were computed from, by id
      Map<String, Document> rewritten = new LinkedHashMap<>();
      for (Document doc : documents) {
        Document current = t == null ? null : t.docs(collection).get(doc.id());
        if (current != null && current.version() == doc.version()) {
          rewritten.put(doc.id(), doc);
        }
      }
      for (Document doc : rewritten.values()) {
        for (IndexSpec index : spec.indexes()) {
          for (Object v : index.unique() ? doc.values(index.name()) : List.of()) {
            String holder = t.uniqueValues(collection, index.name()).get(v);
            // a holder rewritten in this call gives its old values up (checkReindex: none claims v twice)
            if (holder != null && !holder.equals(doc.id()) && !rewritten.containsKey(holder)) {
              throw new DuplicateKeyException(collection, index.name());
            }
          }
        }
      }
      for (Document doc : rewritten.values()) {
        unindex(t, collection, t.docs(collection).get(doc.id()));
      }
      for (Document doc : rewritten.values()) {
        Document current = t.docs(collection).get(doc.id());
        Document stored = new Document(current.id(), current.version(), current.body(), doc.index());
        t.docs(collection).put(doc.id(), stored);
        index(t, collection, stored);
      }
      return rewritten.size();
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public List<Change> changes(TenantId tenant, long afterPosition, int limit) {
    Objects.requireNonNull(tenant, "tenant");
    FeedArguments.check(afterPosition, limit);
    lock.readLock().lock();
    try {
      TenantState t = tenants.get(tenant);
      return t == null ? List.of() : after(t.changes, afterPosition, limit);
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public List<StreamRecord> read(TenantId tenant, String stream, long afterPosition, int limit) {
    Objects.requireNonNull(tenant, "tenant");
    StoreChecks.checkStream(stream);
    FeedArguments.check(afterPosition, limit);
    lock.readLock().lock();
    try {
      TenantState t = tenants.get(tenant);
      StreamState s = t == null ? null : t.streams.get(stream);
      if (s == null) {
        return List.of();
      }
      List<StreamRecord> out = new ArrayList<>();
      for (StreamRecord r : s.records.tailMap(afterPosition, false).values()) {
        if (out.size() == limit) {
          break;
        }
        out.add(copy(r));
      }
      return out;
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public int purge(TenantId tenant, String stream, Collection<Long> positions) {
    Objects.requireNonNull(tenant, "tenant");
    List<Long> purged = StoreChecks.checkPurge(stream, positions);
    lock.writeLock().lock();
    try {
      TenantState t = tenants.get(tenant);
      StreamState s = t == null ? null : t.streams.get(stream);
      int deleted = 0;
      for (long p : s == null ? List.<Long>of() : purged) {
        StreamRecord r = s.records.remove(p);
        if (r != null) {
          s.ids.remove(r.id());
          deleted++;
        }
      }
      return deleted;
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public Optional<Lease> tryAcquire(TenantId tenant, String name, String owner, Duration ttl) {
    Objects.requireNonNull(tenant, "tenant");
    StoreChecks.checkLease(name, owner, ttl);
    lock.writeLock().lock();
    try {
      TenantState t = tenants.computeIfAbsent(tenant, k -> new TenantState());
      Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
      LeaseState state = t.leases.computeIfAbsent(name, k -> new LeaseState());
      OptionalLong token = StoreChecks.leaseToken(state.held, state.lastToken, owner, now);
      if (token.isEmpty()) {
        return Optional.empty();
      }
      state.lastToken = token.getAsLong();
      state.held = new Lease(name, owner, token.getAsLong(), StoreChecks.leaseExpiry(now, ttl));
      return Optional.of(state.held);
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public boolean release(TenantId tenant, Lease lease) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(lease, "lease");
    lock.writeLock().lock();
    try {
      TenantState t = tenants.get(tenant);
      LeaseState state = t == null ? null : t.leases.get(lease.name());
      if (state == null || state.held == null || !state.held.owner().equals(lease.owner())
          || state.held.token() != lease.token()) {
        return false;
      }
      state.held = null;
      return true;
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public String toString() {
    return "InMemoryStore" + capabilities;
  }

  // --- commit ---------------------------------------------------------------------------------------------------

  /** Checks everything a commit could fail on, before anything is changed. */
  private void validate(TenantState t, WriteBatch batch, Instant now) {
    StoreChecks.checkBatch(batch, specs::get, capabilities);
    WriteBatch.LeaseGuard guard = batch.leaseGuard();
    if (guard != null) {
      LeaseState state = t.leases.get(guard.name());
      StoreChecks.checkLeaseGuard(guard, state == null ? null : state.held, now);
    }
    // The state of every document the batch touches once it is applied (null: deleted), to judge unique values.
    Map<DocKey, @Nullable Document> after = new HashMap<>();
    for (WriteBatch.Write w : batch.writes()) {
      Document current = t.docs(w.collection()).get(w.id());
      if (w instanceof WriteBatch.Insert) {
        if (current != null) {
          throw StoreChecks.duplicateDocument(w.collection(), w.id());
        }
      } else {
        long expected = w instanceof WriteBatch.Update u ? u.expectedVersion()
            : ((WriteBatch.Delete) w).expectedVersion();
        if (current == null || current.version() != expected) {
          throw StoreChecks.versionConflict(w, expected, current == null ? null : current.version());
        }
      }
      after.put(new DocKey(w.collection(), w.id()), w.written());
    }
    // Unique values claimed twice within the batch are rejected by checkBatch; here, values held by others.
    for (WriteBatch.Write w : batch.writes()) {
      Document doc = w.written();
      if (doc == null) {
        continue;
      }
      for (IndexSpec index : spec(w.collection()).indexes()) {
        if (!index.unique()) {
          continue;
        }
        for (Object v : doc.values(index.name())) {
          String holder = t.uniqueValues(w.collection(), index.name()).get(v);
          if (holder != null && !holder.equals(doc.id())) {
            DocKey holderKey = new DocKey(w.collection(), holder);
            // A holder this batch deletes or moves off the value frees it.
            boolean freed = after.containsKey(holderKey)
                && (after.get(holderKey) == null || !after.get(holderKey).values(index.name()).contains(v));
            if (!freed) {
              throw new DuplicateKeyException(w.collection(), index.name());
            }
          }
        }
      }
    }
    for (WriteBatch.Append a : batch.appends()) {
      StreamState s = t.streams.get(a.stream());
      if (s != null && s.ids.contains(a.id())) {
        throw StoreChecks.duplicateRecord(a.stream(), a.id());
      }
    }
  }

  private Committed apply(TenantState t, WriteBatch batch, Instant now) {
    // Free unique values first, so a value moving between documents of the batch ends up with its new holder.
    for (WriteBatch.Write w : batch.writes()) {
      if (!(w instanceof WriteBatch.Insert)) {
        unindex(t, w.collection(), t.docs(w.collection()).get(w.id()));
      }
    }
    List<Change> changes = new ArrayList<>(batch.writes().size());
    for (WriteBatch.Write w : batch.writes()) {
      Map<String, Document> docs = t.docs(w.collection());
      Document doc = w.written();
      if (doc == null) {
        docs.remove(w.id());
      } else {
        docs.put(w.id(), doc.copy());
        index(t, w.collection(), doc);
      }
      Change c = new Change(++t.changeSequence, w.collection(), w.id(), w.version(), w.kind(), now);
      t.changes.add(c);
      changes.add(c);
    }
    List<StreamRecord> records = new ArrayList<>(batch.appends().size());
    for (WriteBatch.Append a : batch.appends()) {
      StreamState s = t.streams.computeIfAbsent(a.stream(), k -> new StreamState());
      StreamRecord r = new StreamRecord(a.stream(), ++s.sequence, a.id(), a.type(), a.payload().deepCopy(), now);
      s.records.put(r.position(), r);
      s.ids.add(a.id());
      records.add(copy(r));
    }
    return new Committed(changes, records);
  }

  private void index(TenantState t, String collection, Document doc) {
    for (IndexSpec index : spec(collection).indexes()) {
      if (index.unique()) {
        Map<Object, String> values = t.uniqueValues(collection, index.name());
        for (Object v : doc.values(index.name())) {
          values.put(v, doc.id());
        }
      }
    }
  }

  private void unindex(TenantState t, String collection, @Nullable Document doc) {
    if (doc == null) {
      return;
    }
    for (IndexSpec index : spec(collection).indexes()) {
      if (index.unique()) {
        Map<Object, String> values = t.uniqueValues(collection, index.name());
        for (Object v : doc.values(index.name())) {
          values.remove(v, doc.id());
        }
      }
    }
  }

  // --- reads ----------------------------------------------------------------------------------------------------

  private CollectionSpec spec(String collection) {
    return StoreChecks.registered(collection, specs.get(collection));
  }

  private Map<String, Document> docs(TenantId tenant, String collection) {
    TenantState t = tenants.get(tenant);
    return t == null ? Map.of() : t.docs.getOrDefault(collection, Map.of());
  }

  private List<Document> matching(TenantId tenant, String collection, Criteria criteria) {
    List<Document> out = new ArrayList<>();
    for (Document d : docs(tenant, collection).values()) {
      if (CriteriaEvaluator.matches(criteria, d::values)) {
        out.add(d);
      }
    }
    return out;
  }

  /** The order of {@link Sort}: missing values first when ascending, last when descending. */
  static Comparator<Document> order(List<Sort.Key> keys) {
    return (a, b) -> {
      for (Sort.Key k : keys) {
        Object x = single(a, k.field());
        Object y = single(b, k.field());
        boolean asc = k.direction() == Sort.Direction.ASC;
        int r;
        if (x == null || y == null) {
          r = x == null ? (y == null ? 0 : -1) : 1;
          r = asc ? r : -r;
        } else {
          r = asc ? Values.compare(x, y) : Values.compare(y, x);
        }
        if (r != 0) {
          return r;
        }
      }
      return 0;
    };
  }

  private static @Nullable Object single(Document d, String field) {
    List<Object> values = d.values(field);
    return values.isEmpty() ? null : values.get(0);
  }


  /** Entries are stored at index {@code position - 1}: change positions start at 1 and have no gaps. */
  private static <T> List<T> after(List<T> entries, long afterPosition, int limit) {
    int from = (int) Math.min(afterPosition, entries.size());
    int to = Math.min(entries.size(), from + limit);
    return List.copyOf(entries.subList(from, to));
  }

  private static StreamRecord copy(StreamRecord r) {
    return new StreamRecord(r.stream(), r.position(), r.id(), r.type(), r.payload().deepCopy(), r.recordedAt());
  }

  // --- state ----------------------------------------------------------------------------------------------------

  private record DocKey(String collection, String id) {}

  private static final class TenantState {
    final Map<String, Map<String, Document>> docs = new HashMap<>();
    /** collection → unique index → value → id of the document holding it. */
    final Map<String, Map<String, Map<Object, String>>> unique = new HashMap<>();
    final List<Change> changes = new ArrayList<>();
    long changeSequence;
    final Map<String, StreamState> streams = new HashMap<>();
    final Map<String, LeaseState> leases = new HashMap<>();

    Map<String, Document> docs(String collection) {
      return docs.computeIfAbsent(collection, k -> new HashMap<>());
    }

    Map<Object, String> uniqueValues(String collection, String field) {
      return unique.computeIfAbsent(collection, k -> new HashMap<>()).computeIfAbsent(field, k -> new HashMap<>());
    }
  }

  private static final class StreamState {
    /** By position; a purge leaves gaps, and {@link #sequence} never goes back. */
    final NavigableMap<Long, StreamRecord> records = new TreeMap<>();
    final Set<String> ids = new HashSet<>();
    long sequence;
  }

  private static final class LeaseState {
    @Nullable Lease held;
    long lastToken;
  }
}
