package dev.rapport.crm.internal.command;

import dev.rapport.crm.access.Action;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.error.NotFoundException;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Page;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.store.TextRules;
import java.util.Objects;
import java.util.Optional;

/**
 * The read methods every service offers ({@code get, require, find, export, count}), once, on the {@link Reads}
 * path. A service extends it and adds its commands; {@link #scoped(Criteria)} lets it add a default condition
 * (customers leave soft-deleted records out unless asked).
 */
public abstract class AggregateReads<A> {
  private final Reads reads;
  private final AggregateType<A> type;
  private final String noun;

  protected AggregateReads(CommandPipeline pipeline, AggregateType<A> type, String noun) {
    this.reads = Objects.requireNonNull(pipeline, "pipeline").reads();
    this.type = Objects.requireNonNull(type, "type");
    this.noun = Objects.requireNonNull(noun, "noun");
  }

  /** The criteria as the store is asked them; by default unchanged. */
  protected Criteria scoped(Criteria criteria) {
    return criteria;
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
    return reads.count(actor, type, scoped(criteria));
  }

  private Query scoped(Query q) {
    Objects.requireNonNull(q, "query");
    return new Query(scoped(q.criteria()), q.sort(), q.limit(), q.cursor());
  }
}
