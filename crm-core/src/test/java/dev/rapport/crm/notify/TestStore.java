package dev.rapport.crm.notify;

import dev.rapport.crm.CapabilityUnsupportedException;
import dev.rapport.crm.ConcurrentModificationException;
import dev.rapport.crm.DuplicateKeyException;
import dev.rapport.crm.TenantId;
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
import dev.rapport.crm.store.Lease;
import dev.rapport.crm.store.Store;
import dev.rapport.crm.store.StreamRecord;
import dev.rapport.crm.store.WriteBatch;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * TEST FIXTURE ONLY: the smallest {@link Store} the relay tests need (one lock, no cursors, no change-feed
 * subtleties), until the real {@code InMemoryStore} replaces it. Not a reference implementation.
 */
final class TestStore implements Store {
  private final Clock clock;
  private final Set<Capability> capabilities;
  private final Map<String, CollectionSpec> specs = new LinkedHashMap<>();
  private final Map<TenantId, Map<String, Map<String, Document>>> docs = new HashMap<>();
  private final Map<TenantId, Map<String, List<StreamRecord>>> streams = new HashMap<>();
  private final Map<TenantId, Map<String, Lease>> leases = new HashMap<>();
  private final Map<TenantId, List<Change>> changes = new HashMap<>();
  private long position;
  private long tokens;

  TestStore(Clock clock, boolean multiDocumentTransactions) {
    this.clock = clock;
    this.capabilities = multiDocumentTransactions ? EnumSet.of(Capability.MULTI_DOCUMENT_TRANSACTIONS)
        : EnumSet.noneOf(Capability.class);
  }

  TestStore(Clock clock) {
    this(clock, true);
  }

  @Override
  public Set<Capability> capabilities() {
    return capabilities;
  }

  @Override
  public synchronized void register(CollectionSpec spec) {
    specs.put(spec.name(), spec);
  }

  @Override
  public synchronized List<CollectionSpec> collections() {
    return List.copyOf(specs.values());
  }

  @Override
  public synchronized Optional<Document> get(TenantId tenant, String collection, String id) {
    return Optional.ofNullable(coll(tenant, collection).get(id)).map(Document::copy);
  }

  @Override
  public synchronized Optional<Document> findUnique(TenantId tenant, String collection, String field, Object value) {
    Object v = Values.normalize(field, value);
    return coll(tenant, collection).values().stream().filter(d -> d.values(field).contains(v)).findFirst()
        .map(Document::copy);
  }

  @Override
  public synchronized Page<Document> query(TenantId tenant, String collection, Query query) {
    CollectionSpec spec = spec(collection);
    spec.check(query.criteria());
    spec.check(query.sort());
    Comparator<Document> order = (a, b) -> 0;
    for (Sort.Key k : query.sort().effectiveKeys()) {
      Comparator<Document> byKey = (a, b) -> {
        List<Object> x = a.values(k.field());
        List<Object> y = b.values(k.field());
        int c = x.isEmpty() || y.isEmpty() ? Boolean.compare(!x.isEmpty(), !y.isEmpty())
            : Values.compare(x.get(0), y.get(0));
        return k.direction() == Sort.Direction.ASC ? c : -c;
      };
      order = order.thenComparing(byKey);
    }
    List<Document> all = coll(tenant, collection).values().stream()
        .filter(d -> CriteriaEvaluator.matches(query.criteria(), d::values)).sorted(order).map(Document::copy)
        .limit(query.limit()).toList();
    return new Page<>(all, null);
  }

  @Override
  public synchronized long count(TenantId tenant, String collection, Criteria criteria) {
    return coll(tenant, collection).values().stream().filter(d -> CriteriaEvaluator.matches(criteria, d::values))
        .count();
  }

  @Override
  public synchronized Committed commit(TenantId tenant, WriteBatch batch) {
    if (batch.writes().size() > 1 && !capabilities.contains(Capability.MULTI_DOCUMENT_TRANSACTIONS)) {
      throw new CapabilityUnsupportedException("test store configured without multi-document transactions");
    }
    WriteBatch.LeaseGuard guard = batch.leaseGuard();
    if (guard != null) {
      Lease l = leases.computeIfAbsent(tenant, t -> new HashMap<>()).get(guard.name());
      if (l == null || !l.owner().equals(guard.owner()) || l.token() != guard.token()
          || !clock.instant().isBefore(l.expiresAt())) {
        throw new ConcurrentModificationException("lease " + guard.name() + " is no longer held");
      }
    }
    for (WriteBatch.Write w : batch.writes()) {
      spec(w.collection());
      Document current = coll(tenant, w.collection()).get(w.id());
      if (w instanceof WriteBatch.Insert && current != null) {
        throw new DuplicateKeyException(w.collection(), "id");
      }
      if (w instanceof WriteBatch.Update u && (current == null || current.version() != u.expectedVersion())) {
        throw new ConcurrentModificationException("stale update of " + w.collection() + "/" + w.id());
      }
      if (w instanceof WriteBatch.Delete d && (current == null || current.version() != d.expectedVersion())) {
        throw new ConcurrentModificationException("stale delete of " + w.collection() + "/" + w.id());
      }
    }
    for (WriteBatch.Append a : batch.appends()) {
      if (stream(tenant, a.stream()).stream().anyMatch(r -> r.id().equals(a.id()))) {
        throw new DuplicateKeyException(a.stream(), "id");
      }
    }
    List<Change> written = new ArrayList<>();
    for (WriteBatch.Write w : batch.writes()) {
      Map<String, Document> coll = coll(tenant, w.collection());
      Change.Kind kind;
      long version;
      if (w instanceof WriteBatch.Delete d) {
        coll.remove(d.id());
        kind = Change.Kind.DELETE;
        version = d.expectedVersion();
      } else {
        Document doc = w instanceof WriteBatch.Insert i ? i.document() : ((WriteBatch.Update) w).document();
        spec(w.collection()).check(doc);
        coll.put(doc.id(), doc.copy());
        kind = w instanceof WriteBatch.Insert ? Change.Kind.INSERT : Change.Kind.UPDATE;
        version = doc.version();
      }
      written.add(new Change(++position, w.collection(), w.id(), version, kind, clock.instant()));
    }
    changes.computeIfAbsent(tenant, t -> new ArrayList<>()).addAll(written);
    List<StreamRecord> records = new ArrayList<>();
    for (WriteBatch.Append a : batch.appends()) {
      StreamRecord r = new StreamRecord(a.stream(), ++position, a.id(), a.type(), a.payload().deepCopy(),
          clock.instant());
      stream(tenant, a.stream()).add(r);
      records.add(r);
    }
    return new Committed(written, records);
  }

  @Override
  public synchronized List<Change> changes(TenantId tenant, long afterPosition, int limit) {
    return changes.getOrDefault(tenant, List.of()).stream().filter(c -> c.position() > afterPosition).limit(limit)
        .toList();
  }

  @Override
  public synchronized List<StreamRecord> read(TenantId tenant, String stream, long afterPosition, int limit) {
    return stream(tenant, stream).stream().filter(r -> r.position() > afterPosition).limit(limit)
        .map(r -> new StreamRecord(r.stream(), r.position(), r.id(), r.type(), r.payload().deepCopy(),
            r.recordedAt()))
        .toList();
  }

  @Override
  public synchronized Optional<Lease> tryAcquire(TenantId tenant, String name, String owner, Duration ttl) {
    Map<String, Lease> ls = leases.computeIfAbsent(tenant, t -> new HashMap<>());
    Lease l = ls.get(name);
    boolean live = l != null && clock.instant().isBefore(l.expiresAt());
    if (live && !l.owner().equals(owner)) {
      return Optional.empty();
    }
    long token = live ? l.token() : ++tokens;
    Lease granted = new Lease(name, owner, token, clock.instant().plus(ttl));
    ls.put(name, granted);
    return Optional.of(granted);
  }

  @Override
  public synchronized boolean release(TenantId tenant, Lease lease) {
    Map<String, Lease> ls = leases.computeIfAbsent(tenant, t -> new HashMap<>());
    Lease l = ls.get(lease.name());
    if (l != null && l.owner().equals(lease.owner()) && l.token() == lease.token()) {
      ls.remove(lease.name());
      return true;
    }
    return false;
  }

  private CollectionSpec spec(String collection) {
    CollectionSpec s = specs.get(collection);
    if (s == null) {
      throw new IllegalStateException("collection not registered: " + collection);
    }
    return s;
  }

  private Map<String, Document> coll(TenantId tenant, String collection) {
    spec(collection);
    return docs.computeIfAbsent(tenant, t -> new HashMap<>()).computeIfAbsent(collection, c -> new LinkedHashMap<>());
  }

  private List<StreamRecord> stream(TenantId tenant, String stream) {
    return streams.computeIfAbsent(tenant, t -> new HashMap<>()).computeIfAbsent(stream, s -> new ArrayList<>());
  }
}
