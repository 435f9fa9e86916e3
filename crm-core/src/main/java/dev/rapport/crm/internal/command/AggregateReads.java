package dev.rapport.crm.internal.command;

import dev.rapport.crm.access.Action;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.error.NotFoundException;
import dev.rapport.crm.feed.ChangeBatch;
import dev.rapport.crm.feed.FeedPosition;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Deleted;
import dev.rapport.crm.query.Page;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.Store;
import dev.rapport.crm.store.TextRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The read methods every service offers ({@code get, require, find, export, count, stream, changes}), once, on the
 * {@link Reads} path. A service extends it and adds its commands. The {@link Deleted} choice of a query or count
 * becomes a condition on the type's {@linkplain AggregateType#deletedField() soft-delete field}, ANDed with the
 * caller's criteria (which never change the choice).
 */
public abstract class AggregateReads<A> {
  /** Records read and rewritten together by {@link #reindex}. */
  static final int REINDEX_PAGE = 500;

  private final Reads reads;
  private final Store store;
  private final AggregateType<A> type;
  private final String noun;

  protected AggregateReads(CommandPipeline pipeline, AggregateType<A> type, String noun) {
    this.reads = Objects.requireNonNull(pipeline, "pipeline").reads();
    this.store = pipeline.store();
    this.type = Objects.requireNonNull(type, "type");
    this.noun = Objects.requireNonNull(noun, "noun");
  }

  /** The criteria as the store is asked them: the caller's, ANDed with the choice of soft-deleted records. */
  private Criteria scoped(Criteria criteria, Deleted deleted) {
    Objects.requireNonNull(criteria, "criteria");
    Objects.requireNonNull(deleted, "deleted");
    String field = type.deletedField();
    if (field == null) {
      // nothing of this type is ever deleted
      return deleted == Deleted.ONLY ? Criteria.none() : criteria;
    }
    return switch (deleted) {
      case EXCLUDED -> Criteria.and(Criteria.eq(field, false), criteria);
      case INCLUDED -> criteria;
      case ONLY -> Criteria.and(Criteria.eq(field, true), criteria);
    };
  }

  /**
   * Computes the index values of every stored record of this type in {@code tenant} again from its stored body and
   * has the store rewrite them ({@link Store#reindex}), {@value #REINDEX_PAGE} records at a time, soft-deleted ones
   * included; bodies, versions and the change feed stay as they are. Maintenance for trusted system code: no access
   * policy, no audit. A record changed meanwhile is skipped (its command wrote its values).
   *
   * @return how many records were rewritten
   */
  public long reindex(TenantId tenant) {
    Objects.requireNonNull(tenant, "tenant");
    String collection = type.collection().name();
    Query query = Query.of(Criteria.all(), Sort.byId(), REINDEX_PAGE);
    long rewritten = 0;
    while (true) {
      Page<Document> page = store.query(tenant, collection, query);
      List<Document> fresh = new ArrayList<>(page.items().size());
      for (Document stored : page.items()) {
        Document computed = type.toDocument(type.fromDocument(stored));
        fresh.add(new Document(stored.id(), stored.version(), stored.body(), computed.index()));
      }
      if (!fresh.isEmpty()) {
        rewritten += store.reindex(tenant, collection, fresh);
      }
      if (!page.hasNext()) {
        return rewritten;
      }
      query = query.after(page.nextCursor());
    }
  }

  public Optional<A> get(Actor actor, String id) {
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(id, "id");
    TextRules.require("id", id);
    return reads.get(actor, type, id);
  }

  public A require(Actor actor, String id) {
    return get(actor, id).orElseThrow(() -> new NotFoundException(noun + " " + id + " does not exist"));
  }

  public Page<A> find(Actor actor, Query query) {
    return reads.find(actor, type, Action.VIEW, scoped(query));
  }

  public Page<A> export(Actor actor, Query query) {
    return reads.find(actor, type, Action.EXPORT, scoped(query));
  }

  public long count(Actor actor, Criteria criteria) {
    return count(actor, criteria, Deleted.EXCLUDED);
  }

  public long count(Actor actor, Criteria criteria, Deleted deleted) {
    return reads.count(actor, type, scoped(criteria, deleted));
  }

  public Stream<A> stream(Actor actor, Query query) {
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(query, "query");
    return Page.streamAll(query, q -> find(actor, q));
  }

  public ChangeBatch changes(Actor actor, FeedPosition after, int limit) {
    Objects.requireNonNull(actor, "actor");
    return reads.changes(actor, type, after, limit);
  }

  private Query scoped(Query q) {
    Objects.requireNonNull(q, "query");
    return new Query(scoped(q.criteria(), q.deleted()), q.sort(), q.limit(), q.cursor());
  }
}
