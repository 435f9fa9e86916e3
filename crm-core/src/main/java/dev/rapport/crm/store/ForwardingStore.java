package dev.rapport.crm.store;

import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Page;
import dev.rapport.crm.query.Query;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A store that hands every call to another one: the base for decorators (metrics, tracing, fault injection in
 * tests) that override what they watch and leave the rest, as Guava's forwarding collections do.
 */
public abstract class ForwardingStore implements Store {
  private final Store delegate;

  protected ForwardingStore(Store delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /** The store calls are handed to. */
  protected Store delegate() {
    return delegate;
  }

  @Override
  public Set<Capability> capabilities() {
    return delegate.capabilities();
  }

  @Override
  public void register(CollectionSpec spec) {
    delegate.register(spec);
  }

  @Override
  public List<CollectionSpec> collections() {
    return delegate.collections();
  }

  @Override
  public Optional<Document> get(TenantId tenant, String collection, String id) {
    return delegate.get(tenant, collection, id);
  }

  @Override
  public Optional<Document> findUnique(TenantId tenant, String collection, String field, Object value) {
    return delegate.findUnique(tenant, collection, field, value);
  }

  @Override
  public Page<Document> query(TenantId tenant, String collection, Query query) {
    return delegate.query(tenant, collection, query);
  }

  @Override
  public long count(TenantId tenant, String collection, Criteria criteria) {
    return delegate.count(tenant, collection, criteria);
  }

  @Override
  public Committed commit(TenantId tenant, WriteBatch batch) {
    return delegate.commit(tenant, batch);
  }

  @Override
  public int reindex(TenantId tenant, String collection, List<Document> documents) {
    return delegate.reindex(tenant, collection, documents);
  }

  @Override
  public List<Change> changes(TenantId tenant, long afterPosition, int limit) {
    return delegate.changes(tenant, afterPosition, limit);
  }

  @Override
  public List<StreamRecord> read(TenantId tenant, String stream, long afterPosition, int limit) {
    return delegate.read(tenant, stream, afterPosition, limit);
  }

  @Override
  public int purge(TenantId tenant, String stream, Collection<Long> positions) {
    return delegate.purge(tenant, stream, positions);
  }

  @Override
  public Optional<Lease> tryAcquire(TenantId tenant, String name, String owner, Duration ttl) {
    return delegate.tryAcquire(tenant, name, owner, ttl);
  }

  @Override
  public boolean release(TenantId tenant, Lease lease) {
    return delegate.release(tenant, lease);
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "(" + delegate + ")";
  }
}
