package dev.rapport.crm.internal.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.access.Action;
import dev.rapport.crm.access.DataFilter;
import dev.rapport.crm.access.Decision;
import dev.rapport.crm.access.FieldAccess;
import dev.rapport.crm.access.FieldSet;
import dev.rapport.crm.access.Masking;
import dev.rapport.crm.access.Resource;
import dev.rapport.crm.access.ResourceType;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.feed.ChangeBatch;
import dev.rapport.crm.feed.FeedPosition;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Page;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.recording.AuditEntry;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.store.Change;
import dev.rapport.crm.store.CollectionSpec;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.TextRules;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read path, the same for every service: authorize (the policy's filter for the listing action), load through
 * it, decide per record ({@code check}, for its field access), mask, record the read. A record the actor may not
 * see is absent, exactly like one that does not exist.
 */
public final class Reads {
  private static final Logger LOG = LoggerFactory.getLogger(Reads.class);
  private final CommandPipeline pipeline;

  Reads(CommandPipeline pipeline) {
    this.pipeline = pipeline;
  }

  /** The record as the actor may see it, or empty if it does not exist or the actor may not see it. */
  public <A> Optional<A> get(Actor actor, AggregateType<A> type, String id) {
    return CommandPipeline.withMdc(actor, () -> {
      ResourceType rt = type.resource();
      String correlationId = pipeline.correlationId();
      DataFilter filter = pipeline.visibility().filter(actor, Action.VIEW, rt);
      Optional<Document> doc = pipeline.store().get(actor.tenant(), type.collection().name(), id);
      if (doc.isEmpty()) {
        return Optional.empty();
      }
      Decision d = Visibility.admits(filter, rt, doc.get())
          ? pipeline.policy().check(actor, Action.VIEW, Resource.stored(rt, id, doc.get().body(), rt.readValues(doc.get()))) : null;
      if (d == null || !d.allowed()) {
        pipeline.recordDenied(actor, Action.VIEW, rt.name() + ".read", rt, id, null,
            d == null ? List.of() : d.decidingRules(), correlationId);
        return Optional.empty();
      }
      recordRead(actor, Action.VIEW, rt, List.of(id), "", Set.of(d.fields()), correlationId);
      return Optional.of(shown(type, d.fields(), doc.get()));
    });
  }

  /**
   * One page of the records matching {@code query} that the actor may {@code action} ({@link Action#VIEW} or
   * {@link Action#EXPORT}), the policy's residual filter pushed down to the store, each record masked.
   */
  public <A> Page<A> find(Actor actor, AggregateType<A> type, Action action, Query query) {
    return CommandPipeline.withMdc(actor, () -> {
      ResourceType rt = type.resource();
      CollectionSpec spec = pipeline.collection(type.collection());
      spec.check(query.criteria());
      refuseIllFormed(query.criteria());
      spec.check(query.sort());
      refuseUnreadable(actor, action, rt, query.criteria(), query.sort());
      DataFilter filter = pipeline.visibility().filter(actor, action, rt);
      if (filter instanceof DataFilter.Never) {
        return new Page<>(List.of(), null);
      }
      Criteria criteria = type.canonical(query.criteria());
      Criteria effective = filter instanceof DataFilter.Always ? criteria : Criteria.and(filter.asCriteria(), criteria);
      Page<Document> page = pipeline.store().query(actor.tenant(), spec.name(),
          new Query(effective, query.sort(), query.limit(), query.cursor()));
      List<A> items = new ArrayList<>(page.items().size());
      List<String> ids = new ArrayList<>(page.items().size());
      Set<FieldAccess> shown = new HashSet<>(2);
      for (Document doc : page.items()) {
        Decision d = pipeline.policy().check(actor, action, Resource.stored(rt, doc.id(), doc.body(), rt.readValues(doc)));
        if (!d.allowed()) {
          // the policy's filter admitted a record its check refuses: leave it out rather than show it
          LOG.warn("access policy disagreement: the {} filter admits {} {} but check refuses it", action, rt,
              doc.id());
          continue;
        }
        items.add(shown(type, d.fields(), doc));
        ids.add(doc.id());
        shown.add(d.fields());
      }
      recordRead(actor, action, rt, ids, query.criteria() + " " + query.sort(), shown, pipeline.correlationId());
      return new Page<>(items, page.nextCursor());
    });
  }

  /** How many records match that the actor may view; recorded as a read without ids. */
  public long count(Actor actor, AggregateType<?> type, Criteria criteria) {
    return CommandPipeline.withMdc(actor, () -> {
      ResourceType rt = type.resource();
      pipeline.collection(type.collection()).check(criteria);
      refuseIllFormed(criteria);
      refuseUnreadable(actor, Action.VIEW, rt, criteria, Sort.byId());
      DataFilter filter = pipeline.visibility().filter(actor, Action.VIEW, rt);
      if (filter instanceof DataFilter.Never) {
        return 0L;
      }
      Criteria canonical = type.canonical(criteria);
      Criteria effective = filter instanceof DataFilter.Always ? canonical
          : Criteria.and(filter.asCriteria(), canonical);
      long count = pipeline.store().count(actor.tenant(), type.collection().name(), effective);
      // a count tells something about records too (how many match a condition): recorded, without ids
      recordRead(actor, Action.VIEW, rt, List.of(), "count " + criteria, Set.of(), pipeline.correlationId());
      return count;
    });
  }

  /**
   * The actor's part of the change feed of {@code type}'s collection: the changes of records the actor may view as
   * they are now (the {@link Action#VIEW} filter pushed down with the ids, then {@code check} per record, as a page
   * does). Metadata only, so nothing needs masking; a batch that returns changes is recorded as a read of their ids
   * (an empty poll shows no record and is not recorded).
   */
  public ChangeBatch changes(Actor actor, AggregateType<?> type, FeedPosition after, int limit) {
    return CommandPipeline.withMdc(actor, () -> {
      ResourceType rt = type.resource();
      String collection = type.collection().name();
      DataFilter filter = pipeline.visibility().filter(actor, Action.VIEW, rt);
      ChangeBatch batch = ChangeScan.read(pipeline.store(), actor.tenant(), collection, after, limit, changes -> {
        if (filter instanceof DataFilter.Never) {
          return Set.of();
        }
        List<String> ids = changes.stream().map(Change::id).distinct().toList();
        Criteria byId = Criteria.in(Sort.ID, ids);
        Criteria effective = filter instanceof DataFilter.Always ? byId : Criteria.and(filter.asCriteria(), byId);
        Set<String> visible = new HashSet<>();
        for (Document doc : pipeline.store().query(actor.tenant(), collection,
            Query.of(effective, Sort.byId(), ids.size())).items()) {
          if (pipeline.policy().check(actor, Action.VIEW, Resource.stored(rt, doc.id(), doc.body(), rt.readValues(doc))).allowed()) {
            visible.add(doc.id());
          }
        }
        return visible;
      });
      if (!batch.changes().isEmpty()) {
        recordRead(actor, Action.VIEW, rt, batch.changes().stream().map(Change::id).distinct().toList(),
            "changes after " + after.encode(), Set.of(), pipeline.correlationId());
      }
      return batch;
    });
  }

  /**
   * The stored record holding {@code value} in unique index {@code field}, if it exists and the actor may see it
   * (looked up only after the actor's filter is known).
   */
  public Optional<Document> findUnique(Actor actor, AggregateType<?> type, String field, Object value) {
    if (value instanceof String s) {
      TextRules.require(field, s);
    }
    ResourceType rt = type.resource();
    DataFilter filter = pipeline.visibility().filter(actor, Action.VIEW, rt);
    if (filter instanceof DataFilter.Never) {
      return Optional.empty();
    }
    return pipeline.store().findUnique(actor.tenant(), type.collection().name(), field, value)
        .filter(d -> Visibility.admits(filter, rt, d));
  }

  /**
   * Refuses a criteria or sort on a field the actor may not read (its field access for the type, as the policy
   * gives it without a record): a search or an order on a hidden field would tell its values. Masked fields stay
   * searchable (finding a customer by a phone number one sees masked is what a service desk does).
   */
  private void refuseUnreadable(Actor actor, Action action, ResourceType rt, Criteria criteria, Sort sort) {
    Decision d = pipeline.policy().check(actor, action, Resource.ofType(rt));
    FieldSet readable = d.fields().readable();
    if (!d.allowed() || readable.isAll()) {
      return;
    }
    java.util.Set<String> named = new java.util.LinkedHashSet<>(criteria.fields());
    sort.keys().forEach(k -> named.add(k.field()));
    List<ValidationException.Violation> refused = new ArrayList<>();
    for (String f : named) {
      if (!readable(rt, readable, f)) {
        refused.add(new ValidationException.Violation("criteria." + f, "criteria.field.unreadable",
            "the actor may not read " + f + ", so may not search or sort by it"));
      }
    }
    if (!refused.isEmpty()) {
      throw new ValidationException(refused);
    }
  }

  /** Whether the indexed field {@code field} shows only what the readable catalog paths show. */
  private static boolean readable(ResourceType rt, FieldSet readable, String field) {
    if (rt.fields().field(field).isPresent()) {
      return readable.contains(field) || readable.paths().stream().anyMatch(p -> p.startsWith(field + "."));
    }
    // indexed fields that are not catalog paths: derived from one, or bookkeeping (always readable)
    return switch (field) {
      case "countries", "cities" -> readable.contains("addresses");
      case "currency" -> readable.contains("creditLimit");
      case "stageChangedAt" -> readable.contains("stageEnteredAt");
      default -> !field.startsWith("cf") || readable.contains("customFields");
    };
  }

  private static void refuseIllFormed(Criteria criteria) {
    List<ValidationException.Violation> text = TextRules.check(criteria);
    if (!text.isEmpty()) {
      throw new ValidationException(text);
    }
  }

  private void recordRead(Actor actor, Action action, ResourceType rt, List<String> ids, String query,
                          Set<FieldAccess> shown, String correlationId) {
    AuditRecorder audit = pipeline.audit();
    if (audit == AuditRecorder.none()) {
      return;
    }
    // no record, no read: a failure to store it fails the read
    pipeline.commitRecords(actor.tenant(), audit.record(new AuditEntry.Read(actor, pipeline.clock().instant(),
        correlationId, action, rt.name(), ids, query, shown)));
  }

  /** The stored aggregate as {@code fields} lets it be seen: read from a masked body when something is hidden. */
  static <A> A shown(AggregateType<A> type, FieldAccess fields, Document stored) {
    if (fields.showsEverything()) {
      return type.fromDocument(stored);
    }
    return type.fromBody(Masking.apply(type.resource(), fields, stored.body()));
  }

  /** {@code aggregate} (whose stored body is {@code body}) as {@code fields} lets it be seen. */
  static <A> A shown(AggregateType<A> type, FieldAccess fields, A aggregate, ObjectNode body) {
    if (fields.showsEverything()) {
      return aggregate;
    }
    return type.fromBody(Masking.apply(type.resource(), fields, body));
  }
}
